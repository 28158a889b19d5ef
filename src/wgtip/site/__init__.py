"""Publication through Datasette: metadata generated from the tables, plugins, and serving."""
