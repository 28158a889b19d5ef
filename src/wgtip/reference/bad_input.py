"""The catalogue of bad input: every case the log reader and the fold refuse, and the line they print.

One definition for two readers: ``wgtip docs`` renders it as docs/bad-input.md,
and tests/test_bad_input.py makes each case in a copy of the repository and
checks that ``build`` and ``verify`` print exactly this message (with the
placeholders filled in from that copy), so the page and the tests cannot drift.

A message is a template: ``<NAME>`` stands for a value that depends on the
log (the next sequence number, a hash, a byte count); ``PLACEHOLDERS`` says
what each one is and how the page shows it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class BadInput:
    case: str
    group: str
    wrong: str
    message: str
    """What ``build`` prints after ``error: ``."""
    verify_message: str | None = None
    """What ``verify`` prints, when it differs from ``message``."""


PLACEHOLDERS: dict[str, tuple[str, str]] = {
    # name: (as the page shows it, what it stands for); a value shown as <NAME> is explained under the table
    "FILE": ("events/0000/N-test.jsonl", "the new segment that holds the bad event, `N` written with nine digits"),
    "SEGMENT": ("N-test.jsonl", "that segment's file name"),
    "FILE_N+1": ("events/0000/N+1-test.jsonl", "a new segment named for the sequence number after `N` (nine digits)"),
    "FILE_N+2": ("events/0000/N+2-test.jsonl", "a new segment named for the sequence number two after `N` (nine digits)"),
    "FILE_LAST": ("events/0000/N-1-test.jsonl", "a new segment named for the log's last event (nine digits)"),
    "N": ("N", "the sequence number the bad event takes: one after the log's last event"),
    "N+1": ("N+1", "the sequence number after it"),
    "N+2": ("N+2", "two after it"),
    "LAST": ("N-1", "the log's last event"),
    "LAST_AT": ("<LAST_AT>", "the file and line of the log's last event"),
    "LAST_SHA12": ("<LAST_SHA12>", "the first 12 hexadecimal digits of the SHA-256 of the log's last line"),
    "EDITED_SHA12": ("<EDITED_SHA12>", "the first 12 hexadecimal digits of the SHA-256 of event 205's line after the edit"),
    "EVENT_205_SHA12": ("<EVENT_205_SHA12>", "the first 12 hexadecimal digits of the SHA-256 of event 205's line as committed"),
    "HUGE": ("<HUGE>", "the size of the over-long line in bytes (just over 1 MiB)"),
    "NAN_AT": ("<NAN_AT>", "the character at which `NaN` starts, counted from 1"),
    "SURROGATE_COLUMN": ("<SURROGATE_COLUMN>", "the character at which `\\ud800` starts, counted from 1"),
    "SURROGATE_CHAR": ("<SURROGATE_CHAR>", "the same place counted from 0"),
    "KNOWN_TYPES": ("<KNOWN_TYPES>", "every event type this software knows, in the order of [events.md](events.md)"),
    "SPACE_AT": ("<SPACE_AT>", "the character, counted from 1, at which the needless space stands"),
    "ESCAPE_AT": ("<ESCAPE_AT>", "the character, counted from 1, at which the needless escape starts"),
    "RELEASE_FILE": ("<RELEASE_FILE>", "the segment that holds the release event: `events/0000/`, then `N+1` in nine digits, then `-release-X.Y.0.jsonl`"),
    "RELEASE_MISMATCH": (
        "<RELEASE_MISMATCH>",
        "`release X.Y.0 (event N+1): data/F.csv rebuilds with SHA-256 H…, the release recorded R… (B vs B bytes)`: the first data file whose hash differs, both hashes (16 digits) and both sizes",
    ),
}

_FILE = "<FILE>"
_LAYOUT = "events/<block>/<first seq>-<slug>.jsonl"
_COMPACT = "an event is written one way only (no spaces between tokens, no needless escapes), so that every reader sees the same bytes; write events with wgtip"
_INVISIBLE = "changes nothing a reader can see (only the Unicode normal form, a compatibility ideograph or zero-width and bidirectional controls differ)"

CATALOGUE: tuple[BadInput, ...] = (
    # bytes and encoding
    BadInput("invalid_json", "bytes and encoding", "a line is not JSON", f"{_FILE}:1: (line): not valid JSON: unexpected end of data: line 1 column 22 (char 21)"),
    BadInput("invalid_utf8", "bytes and encoding", "bytes in another encoding", f"{_FILE}:1: (encoding): not valid UTF-8 at byte 19 (0xb5); event files are UTF-8"),
    BadInput("gbk_text", "bytes and encoding", "a valid event whose Chinese text is saved in GBK", f"{_FILE}:1: (encoding): not valid UTF-8 at byte 522 (0xb5); event files are UTF-8"),
    BadInput("truncated_utf8", "bytes and encoding", "a character cut in the middle", f"{_FILE}:1: (encoding): not valid UTF-8 at byte 522 (0xe7); event files are UTF-8"),
    BadInput("bom", "bytes and encoding", "a UTF-8 byte-order mark", f"{_FILE}:1: (file): starts with a UTF-8 byte-order mark; save without BOM"),
    BadInput("nul", "bytes and encoding", "a raw NUL character", f"{_FILE}:1: (line): control character U+0000 in the raw line"),
    BadInput("escape_char", "bytes and encoding", "a raw escape character (a terminal colour code)", f"{_FILE}:1: (line): control character U+001B in the raw line"),
    BadInput("tab", "bytes and encoding", "a raw tab", f"{_FILE}:1: (line): control character U+0009 in the raw line"),
    BadInput("crlf", "bytes and encoding", "Windows line ends", f"{_FILE}:1: (line): carriage return (\\r) found: event lines end with \\n only"),
    BadInput("blank_line", "bytes and encoding", "an empty line", f"{_FILE}:2: (line): blank line: every line of a segment is one event"),
    BadInput("no_final_newline", "bytes and encoding", "the last line has no `\\n`", f"{_FILE}:1: (file): last line does not end with a newline (\\n)"),
    BadInput("empty_file", "bytes and encoding", "an empty segment", f"{_FILE}: (file): empty file: a segment holds at least one event"),
    BadInput("huge_line", "bytes and encoding", "a line over 1 MiB", f"{_FILE}:1: (line): <HUGE> bytes is longer than the 1048576 bytes an event line may hold"),
    BadInput(
        "huge_segment",
        "bytes and encoding",
        "a file over 64 MiB (refused before it is read)",
        f"{_FILE}: (file): 67108865 bytes is larger than the 67108864 bytes a segment may hold; split it into several segments",
    ),
    # files
    BadInput(
        "events_missing",
        "files",
        "no `events/` folder (or a command run outside the dataset)",
        "events/: (folder): missing: this is not a dataset folder (run wgtip in the dataset's repository, or name it with --root)",
    ),
    BadInput("events_empty", "files", "an empty `events/` folder (a build would empty the dataset)", "events/: (folder): holds no events: a build of nothing would empty the dataset"),
    BadInput("events_is_a_file", "files", "a file named `events`", "events: (folder): is not a folder: the log is a folder of segment files"),
    BadInput("not_jsonl", "files", "another file in `events/`", "events/0000/notes.txt: (file): not a segment: event files end in .jsonl"),
    BadInput("file_beside_the_blocks", "files", "a file at the root of `events/` (a README)", f"events/README.md: (file): not a block folder: events/ holds only folders of segments ({_LAYOUT})"),
    BadInput(
        "segment_at_root",
        "files",
        "a segment at the root of `events/`, not in a block folder",
        f"events/<SEGMENT>: (file): not in a block folder: a segment is {_LAYOUT}, the block being its first seq // 100000 in four digits",
    ),
    BadInput(
        "wrong_block",
        "files",
        "a segment in a block folder that its first seq does not belong to (`0042` for seq `N`)",
        "events/0042/<SEGMENT>: (file): in block folder 0042, but a segment whose first seq is <N> belongs in events/0000/",
    ),
    BadInput("block_name", "files", "a block folder not named by four digits", f"events/blocks/: (folder): not a block folder: blocks are named by four digits ({_LAYOUT})"),
    BadInput("folder_in_block", "files", "a folder inside a block folder", f"events/0000/old/: (folder): a folder inside a block: a block holds only segment files ({_LAYOUT})"),
    BadInput(
        "segment_name",
        "files",
        "a segment whose name is not `<first seq, nine digits>-<slug>.jsonl`",
        "events/0000/<N>-test.jsonl: (file): not a segment name: a segment is named <first seq, nine digits>-<slug>.jsonl, the slug in lower-case letters, digits, '-' and '.'",
    ),
    BadInput(
        "name_is_not_the_first_seq",
        "files",
        "a segment named for seq 999999 that holds seq `N`",
        "events/0009/000999999-test.jsonl:1: seq: the segment's name says its first event is seq 999999, but it is seq <N>: a segment is named by its first event's seq",
    ),
    BadInput("symlink", "files", "a symbolic link in `events/`", f"{_FILE}: (file): is a symbolic link: segments are regular files"),
    # JSON
    BadInput("json_array", "JSON", "an array, not an object", f"{_FILE}:1: (line): an event must be a JSON object, got list"),
    BadInput("nan", "JSON", "`NaN` (or `Infinity`)", f"{_FILE}:1: (line): not valid JSON: NaN and Infinity are not JSON numbers (at character <NAN_AT>)"),
    BadInput("lone_surrogate", "JSON", "`\\ud800` without its pair", f"{_FILE}:1: (line): not valid JSON: no low surrogate in string: line 1 column <SURROGATE_COLUMN> (char <SURROGATE_CHAR>)"),
    BadInput(
        "duplicate_key",
        "JSON",
        "a key twice in one object (readers disagree on which counts)",
        f"{_FILE}:1: (line): duplicate key 'meeting' in one JSON object (readers disagree on which value counts)",
    ),
    BadInput(
        "nested_duplicate_key_same_value",
        "JSON",
        "a key twice in a nested object, even with the same value",
        f"{_FILE}:1: (line): duplicate key 'paragraph' in one JSON object (readers disagree on which value counts)",
    ),
    BadInput(
        "not_compact",
        "JSON",
        "a space between two tokens (valid JSON, but not the one way an event is written)",
        f"{_FILE}:1: (line): not written as compact JSON at character <SPACE_AT> (' \"provisio' where compact JSON has '\"provision'): {_COMPACT}",
    ),
    BadInput(
        "escaped_type",
        "JSON",
        "the type spelled with an escape (`Recommendations\\u0041dopted`): one reader scanning bytes and another decoding would disagree",
        f"{_FILE}:1: (line): not written as compact JSON at character <ESCAPE_AT> ('\\\\u0041dopt' where compact JSON has 'Adopted\",\"'): {_COMPACT}",
    ),
    BadInput(
        "escaped_nul",
        "JSON",
        "a NUL written as the escape `\\u0000` in a correction's text",
        f"{_FILE}:1: data.new_text: the string holds the control character U+0000 (written as a JSON escape); no field allows control characters",
    ),
    BadInput(
        "escaped_terminal_code",
        "JSON",
        "a terminal code written as `\\u001b[2J` (clear the screen) in a correction's text",
        f"{_FILE}:1: data.new_text: the string holds the control character U+001B (written as a JSON escape); no field allows control characters",
    ),
    BadInput(
        "control_in_key",
        "JSON",
        "a field name holding a newline and a terminal code (echoed escaped, never raw)",
        f"{_FILE}:1: data.note\\n\\u001b[2J: a field name holds the control character U+000A (written as a JSON escape); no field allows control characters",
    ),
    BadInput("nested_300", "JSON", "a value nested 300 levels deep", f"{_FILE}:1: (line): nested 302 levels deep; no event type nests deeper than 7"),
    BadInput("nested_1000", "JSON", "a value nested 1000 levels deep", f"{_FILE}:1: (line): nested 1002 levels deep; no event type nests deeper than 7"),
    BadInput("nested_2000", "JSON", "a value nested 2000 levels deep (beyond what the JSON reader parses)", f"{_FILE}:1: (line): nested more than 1024 levels deep; no event type nests deeper than 7"),
    # schema
    BadInput("unknown_type", "schema", "an event type this software does not know", f"{_FILE}:1: type: unknown event type 'RecommendationsWithdrawn' (known: <KNOWN_TYPES>)"),
    BadInput("missing_type", "schema", "no `type`", f"{_FILE}:1: type: required field is missing"),
    BadInput("future_schema_version", "schema", "written by a newer wgtip", f"{_FILE}:1: schema_version: RecommendationsAdopted schema version 2 is newer than this software knows (1); upgrade wgtip"),
    BadInput("missing_field", "schema", "a required field is missing", f"{_FILE}:1: data.venue: required field is missing"),
    BadInput("extra_envelope_field", "schema", "a field not in the envelope's schema", f"{_FILE}:1: author: unknown field (not in the schema of this event type)"),
    BadInput("extra_data_field", "schema", "a field not in the event type's schema", f"{_FILE}:1: data.comment: unknown field (not in the schema of this event type)"),
    BadInput("wrong_type", "schema", "a wrong JSON type", f"{_FILE}:1: data.meeting: Input should be a valid integer (got 'eighth')"),
    BadInput("bool_for_integer", "schema", "`true` where an integer belongs (`true` is not 1)", f"{_FILE}:1: data.paragraph: Input should be a valid integer (got True)"),
    BadInput("string_number_for_integer", "schema", '`"8"` where an integer belongs', f"{_FILE}:1: data.meeting: Input should be a valid integer (got '8')"),
    BadInput("string_for_list", "schema", "a string where a list belongs", f"{_FILE}:1: data.provisions: Input should be a valid array (got 'wgtip-m8-p3')"),
    BadInput("seq_zero", "schema", "a sequence number below 1", f"{_FILE}:1: seq: Input should be greater than or equal to 1 (got 0)"),
    BadInput("impossible_date", "schema", "30 February", f"{_FILE}:1: occurred.start: Input should be a valid date in the format YYYY-MM-DD, day value is outside expected range (got '2019-02-30')"),
    BadInput("occurred_end_before_start", "schema", "an event that ends before it starts", f"{_FILE}:1: occurred: end 2019-09-09 is before start 2019-09-11"),
    BadInput("recorded_at_without_zone", "schema", "a time without a zone", f"{_FILE}:1: recorded_at: Input should have timezone info (got '2026-11-28T00:00:00')"),
    BadInput(
        "bad_sha256",
        "schema",
        "a SHA-256 in capitals (or not 64 hex digits)",
        _FILE + ":1: source.sha256: String should match pattern '^[0-9a-f]{64}$' (got '81F71297ED29495D3A78C48B66D648960C93D3D9FFDA96B5275DD0DC...)",
    ),
    BadInput(
        "bad_provision_id", "schema", "an identifier that is not URL-safe", f"{_FILE}:1: data.provisions.0.provision_id: String should match pattern '^[a-z0-9]+(-[a-z0-9]+)*$' (got 'wgtip_m8_p3')"
    ),
    BadInput(
        "source_outside_the_repository",
        "schema",
        "a source document registered at `../../../../etc/hostname` (with its real SHA-256)",
        f"{_FILE}:1: data.path: '../../../../etc/hostname' is not a path inside the repository (relative, '/'-separated, no part starting with '.', so no '..')",
    ),
    BadInput(
        "source_at_an_absolute_path",
        "schema",
        "a source document registered at `/etc/passwd`",
        f"{_FILE}:1: data.path: '/etc/passwd' is not a path inside the repository (relative, '/'-separated, no part starting with '.', so no '..')",
    ),
    # sequence and chain
    BadInput("out_of_sequence", "sequence and hash chain", "sequence numbers missing", "<FILE_N+2>:1: seq: sequence number <N+2> is out of sequence: expected <N> (events <N>..<N+1> are missing)"),
    BadInput("repeated_seq", "sequence and hash chain", "a sequence number used twice", "<FILE_LAST>:1: seq: sequence number <LAST> repeats <LAST_AT>"),
    BadInput(
        "broken_chain",
        "sequence and hash chain",
        "`prev` is not the hash of the previous line",
        f"{_FILE}:1: prev: hash chain broken: the SHA-256 of event <LAST> (<LAST_AT>) is <LAST_SHA12>…, this event records 000000000000… (was event <LAST> edited after this one was written?)",
    ),
    BadInput(
        "edited_past_event",
        "sequence and hash chain",
        "a committed event was edited (event 205, the eighth meeting)",
        "events/0000/000000205-meeting-8.jsonl:2: prev: hash chain broken: the SHA-256 of event 205 (events/0000/000000205-meeting-8.jsonl:1) is <EDITED_SHA12>…, "
        "this event records <EVENT_205_SHA12>… (was event 205 edited after this one was written?)",
    ),
    BadInput(
        "lines_swapped", "sequence and hash chain", "lines of a segment out of order", "<FILE_N+1>:2: seq: sequence number <N> follows <N+1> on the line before: a segment holds consecutive events"
    ),
    BadInput("first_prev_not_null", "sequence and hash chain", "the first event claims a predecessor", "events/0000/000000001-source-registered.jsonl:1: prev: the first event must have prev null"),
    # references (the fold)
    BadInput(
        "unknown_meeting",
        "references (the fold)",
        "adopted at a meeting not held",
        f"{_FILE}:1: data.meeting: meeting 9 has not been held (no MeetingHeld event before this one) (RecommendationsAdopted, seq <N>)",
    ),
    BadInput(
        "endorsement_by_meeting_not_held",
        "references (the fold)",
        "endorsed by a meeting not held",
        f"{_FILE}:1: data.meeting: meeting 9 has not been held (no MeetingHeld event before this one) (ProposalsEndorsed, seq <N>)",
    ),
    BadInput(
        "unknown_endorsed", "references (the fold)", "endorses a provision that does not exist", f"{_FILE}:1: data.endorsed.0: provision 'wgtip-m3-p1-z' does not exist (ProposalsEndorsed, seq <N>)"
    ),
    BadInput(
        "endorsing_an_adopted_provision",
        "references (the fold)",
        "endorses what was never proposed",
        f"{_FILE}:1: data.endorsed.0: provision 'wgtip-m8-p1' is not a pending proposal of meeting 3 (ProposalsEndorsed, seq <N>)",
    ),
    BadInput(
        "unknown_parent", "references (the fold)", "a chapeau that does not exist", f"{_FILE}:1: data.provisions.0.parent_id: provision 'wgtip-m8-p99' does not exist (RecommendationsAdopted, seq <N>)"
    ),
    BadInput(
        "reused_id",
        "references (the fold)",
        "an identifier used again",
        f"{_FILE}:1: data.provisions.0.provision_id: provision 'wgtip-m8-p1' already exists (event 206); identifiers are never reused (RecommendationsAdopted, seq <N>)",
    ),
    BadInput(
        "no_section",
        "references (the fold)",
        "provisions without their section",
        f"{_FILE}:1: source.section: an event that records provisions must name the section of the source they are printed in (RecommendationsAdopted, seq <N>)",
    ),
    BadInput("meeting_ends_before_it_starts", "references (the fold)", "a meeting's dates reversed", f"{_FILE}:1: data.end_date: 2019-09-09 is before start_date 2019-09-11 (MeetingHeld, seq <N>)"),
    BadInput(
        "source_hash_mismatch",
        "references (the fold)",
        "cites the source with another SHA-256",
        f"{_FILE}:1: source.sha256: does not match the registered SHA-256 of 'wgtip-background-2019-zh' (RecommendationsAdopted, seq <N>)",
    ),
    BadInput(
        "unregistered_document",
        "references (the fold)",
        "cites a document never registered",
        f"{_FILE}:1: source.document: document 'wgtip-background-2020-zh' has not been registered (RecommendationsAdopted, seq <N>)",
    ),
    BadInput(
        "correction_of_missing_provision",
        "references (the fold)",
        "corrects a provision that does not exist",
        f"{_FILE}:1: data.provision_id: provision 'wgtip-m8-p99' does not exist (TextCorrected, seq <N>)",
    ),
    BadInput(
        "stale_correction",
        "references (the fold)",
        "corrects a text that no longer reads so",
        f"{_FILE}:1: data.old_text: does not match the current text of 'wgtip-m8-p1' (stale correction?) (TextCorrected, seq <N>)",
    ),
    BadInput(
        "correction_of_the_normal_form_only",
        "references (the fold)",
        "a correction that only decomposes a character (é as e and U+0301), after one that added it",
        f"{_FILE}:2: data.new_text: {_INVISIBLE}: a correction changes what a reader sees (TextCorrected, seq <N+1>)",
    ),
    BadInput(
        "correction_to_a_compatibility_twin",
        "references (the fold)",
        "a correction that puts the compatibility ideograph U+F99C for 列",
        f"{_FILE}:1: data.new_text: {_INVISIBLE}: a correction changes what a reader sees (TextCorrected, seq <N>)",
    ),
    BadInput(
        "correction_adding_a_zero_width_space",
        "references (the fold)",
        "a correction that only adds a zero-width space",
        f"{_FILE}:1: data.new_text: adds the invisible character U+200B (ZERO WIDTH SPACE) at character 1: a correction changes what a reader sees (TextCorrected, seq <N>)",
    ),
    BadInput(
        "correction_adding_a_bidi_control",
        "references (the fold)",
        "a correction that adds a right-to-left override (it reorders what follows on screen)",
        f"{_FILE}:1: data.new_text: adds the invisible character U+202E (RIGHT-TO-LEFT OVERRIDE) at character 1: a correction changes what a reader sees (TextCorrected, seq <N>)",
    ),
    # releases: the build checks a release at the head of the log; verify checks every release and says where it is
    BadInput("release_with_wrong_hash", "releases", "a release whose recorded hash its data does not have", "<RELEASE_MISMATCH>", verify_message="<RELEASE_FILE>:1: data.files: <RELEASE_MISMATCH>"),
    BadInput(
        "release_naming_another_head",
        "releases",
        "a release whose `log_head` is not the event before it",
        "<RELEASE_FILE>:1: data.log_head: must name the event just before the release (seq <N>, the hash in prev) (ReleasePublished, seq <N+1>)",
    ),
)

BY_CASE: dict[str, BadInput] = {b.case: b for b in CATALOGUE}
_PLACEHOLDER = re.compile(r"<([A-Z0-9_+]+)>")


def fill(template: str, values: Mapping[str, str]) -> str:
    """The template with every ``<NAME>`` replaced; a name without a value is an error, not left in."""

    def one(m: re.Match[str]) -> str:
        if m.group(1) not in values:
            raise KeyError(f"no value for <{m.group(1)}> in {template!r}")
        return values[m.group(1)]

    return _PLACEHOLDER.sub(one, template)


def placeholders(template: str) -> set[str]:
    return set(_PLACEHOLDER.findall(template))


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def page() -> str:
    """docs/bad-input.md: the catalogue, grouped, with what each placeholder stands for."""
    from ..log import MAX_LINE_BYTES, MAX_SEGMENT_BYTES

    shown = {name: display for name, (display, _) in PLACEHOLDERS.items()}
    out = [
        "# When the input is bad",
        "",
        "Generated from `src/wgtip/reference/bad_input.py` by `wgtip docs`; do not edit. "
        "`tests/test_bad_input.py` makes every case below in a copy of the repository and checks that "
        "`./dev wgtip build` and `./dev wgtip verify` print exactly this line.",
        "",
        "A build (or `./dev wgtip verify`, or any other command that reads the log: they share one reader) that meets a bad event "
        "stops with one line naming the file, the line, the field and the problem, exits with status 1 and leaves everything "
        "already built untouched (outputs are written to a temporary place under `build/` and swapped in, as one unit, only on success). "
        "The line never shows a control or invisible character raw: they are escaped (`\\n`, `\\u001b`). "
        f"An event line holds at most {MAX_LINE_BYTES:,} bytes (1 MiB; the largest event of the source is under 20 KB), "
        f"a segment at most {MAX_SEGMENT_BYTES:,} bytes (64 MiB, checked before it is read).",
        "",
        "In the messages, `N` is the sequence number the bad event takes (one after the log's last event), `N-1` the log's last event; the other values that depend on the log are written `<NAME>`:",
        "",
        "| placeholder | what it stands for |",
        "|---|---|",
        *[f"| `{display}` | {meaning} |" for display, meaning in PLACEHOLDERS.values() if display.startswith("<")],
        "",
    ]
    groups: dict[str, list[BadInput]] = {}
    for b in CATALOGUE:
        groups.setdefault(b.group, []).append(b)
    for group, entries in groups.items():
        out += [f"## {group[0].upper()}{group[1:]}", "", "| case | what is wrong | the message (after `error: `) |", "|---|---|---|"]
        out += [f"| `{b.case}` | {_cell(b.wrong)} | `{_cell(fill(b.message, shown))}` |" for b in entries]
        out.append("")
        for b in entries:
            if b.verify_message:
                out += [f"`{b.case}`: `./dev wgtip verify` names the release event's file and line: `{_cell(fill(b.verify_message, shown))}`.", ""]
    return "\n".join(out)
