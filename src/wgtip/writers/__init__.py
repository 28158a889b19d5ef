"""Writers: tables -> files. Each takes the folded rows and a target path and knows nothing of events."""
