"""The log reader refuses each bad line, file and folder of the catalogue (src/wgtip/reference/bad_input.py)
with the catalogue's message, filled with values computed independently of the reader (tests/test_bad_input.py),
in this process and without a build: what tests/test_bad_input.py checks of the whole build, here for the
log alone, fast enough to run for every mutant of log.py (bench/mutation.py).

The cases are those the log itself refuses; the others (a reference the fold refuses, a release's hashes)
are the fold's and the release check's, checked by tests/test_bad_input.py through the build."""

from __future__ import annotations

import pytest
import test_bad_input as bad
from conftest import copy_repo

from wgtip.log import LogError, iter_log, read_log

LOG_CASES = [
    "invalid_json",
    "invalid_utf8",
    "gbk_text",
    "truncated_utf8",
    "bom",
    "nul",
    "escape_char",
    "tab",
    "crlf",
    "blank_line",
    "no_final_newline",
    "empty_file",
    "huge_line",
    "huge_segment",
    "events_missing",
    "events_empty",
    "events_is_a_file",
    "not_jsonl",
    "file_beside_the_blocks",
    "segment_at_root",
    "wrong_block",
    "block_name",
    "folder_in_block",
    "segment_name",
    "name_is_not_the_first_seq",
    "symlink",
    "json_array",
    "nan",
    "lone_surrogate",
    "duplicate_key",
    "nested_duplicate_key_same_value",
    "not_compact",
    "escaped_type",
    "control_in_key",
    "nested_300",
    "nested_1000",
    "nested_2000",
    "unknown_type",
    "missing_type",
    "future_schema_version",
    "missing_field",
    "extra_envelope_field",
    "extra_data_field",
    "wrong_type",
    "bool_for_integer",
    "string_number_for_integer",
    "string_for_list",
    "seq_zero",
    "impossible_date",
    "occurred_end_before_start",
    "recorded_at_without_zone",
    "bad_sha256",
    "bad_provision_id",
    "source_outside_the_repository",
    "source_at_an_absolute_path",
    "out_of_sequence",
    "repeated_seq",
    "broken_chain",
    "edited_past_event",
    "lines_swapped",
    "first_prev_not_null",
]


def test_the_log_cases_are_cases_of_the_catalogue():
    assert set(LOG_CASES) <= set(bad.BY_CASE) and len(set(LOG_CASES)) == len(LOG_CASES)


@pytest.mark.parametrize("case", LOG_CASES)
def test_the_log_reader_refuses_a_bad_input_with_the_catalogue_s_message(tmp_path, case):
    root = copy_repo(tmp_path / "repo")
    bad.MAKERS[case](root)
    with pytest.raises(LogError) as err:
        read_log(root)
    assert str(err.value) == bad.expected(case)
    with pytest.raises(LogError) as streamed:
        for _ in iter_log(root):
            pass
    assert str(streamed.value) == bad.expected(case)


def test_the_committed_log_reads_whole():
    events = read_log(bad.ROOT)
    assert [le.seq for le in events] == list(range(1, len(events) + 1)) and len(events) == bad.LAST
