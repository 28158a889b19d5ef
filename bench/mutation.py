"""Mutation testing of the core modules with mutmut (issue 38): how many small planted bugs the tests catch.

    python bench/mutation.py                  every module below, one after another
    python bench/mutation.py log release      only these
    python bench/mutation.py --report         write the report again from the runs already made

Each module is mutated alone, in a copy of the repository under bench/work/mutation/NAME (the
working tree's files as they are, so uncommitted tests count), with only the tests that cover it:
mutmut records which tests reach each function and runs only those on that function's mutants.
It runs under `nice -n 15` with one worker (the machine is shared). mutmut and the project's locked
packages live in .venv/tools/mutmut (tests/tools/mutmut.lock), made on the first run.

Each run writes bench/results/mutation-NAME.json (every mutant's status, the survivors with their
diffs, the time the run took); bench/results/mutation.md gathers them: the kill ratio per module and
the survivors. Not part of the test suite: docs/benchmarks.md (Mutation testing) says how to run and read it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "bench" / "work" / "mutation"
RESULTS = ROOT / "bench" / "results"
VENV = ROOT / ".venv" / "tools" / "mutmut"
LOCK = ROOT / "tests" / "tools" / "mutmut.lock"

# module: (the files mutated, the tests that cover them). The tests are chosen for what they check of
# the module and for their speed: every test that reaches a mutated function runs once per mutant.
MODULES: dict[str, tuple[list[str], list[str]]] = {
    "release": (["src/wgtip/release.py"], ["tests/test_release_check.py"]),
    "appendonly": (["src/wgtip/appendonly.py"], ["tests/test_appendonly_check.py"]),
    "search": (["src/wgtip/search.py"], ["tests/test_search.py"]),
    "fold": (
        ["src/wgtip/fold.py", "src/wgtip/folded.py"],
        ["tests/test_folded.py", "tests/test_properties.py", "tests/test_fold_against_source.py", "tests/test_corrections.py"],
    ),
    "log": (["src/wgtip/log.py"], ["tests/test_log.py", "tests/test_log_bad_input.py", "tests/test_log_edges.py", "tests/test_upcast.py"]),
    "projection": (
        ["src/wgtip/projection/state.py", "src/wgtip/projection/recommendations.py", "src/wgtip/projection/history.py"],
        ["tests/test_properties.py", "tests/test_fold_against_source.py", "tests/test_corrections.py", "tests/test_projection_state.py", "tests/test_projection_recommendations.py"],
    ),
    "writers": (
        ["src/wgtip/writers/sqlite.py", "src/wgtip/writers/values.py"],
        ["tests/test_sqlite_ddl.py", "tests/test_sqlite_file.py", "tests/test_sqlite_writer.py", "tests/test_sqlite_serve.py", "tests/test_csv_encoding.py"],
    ),
    "search_query": (["src/wgtip/search_query.py"], ["tests/test_search_query.py"]),
}

# mutmut settings of one module's run, beside those every run has. mutmut stops a mutant's tests after
# 15 times (plus 1 s) the time they took unmutated: a mutant of `SqliteProcess` that leaves the writer
# process waiting on its pipe (an end not closed, a message not sent) makes its ~15 s of tests wait
# that long, four minutes per mutant, which stopped the first run of the writers. Three times (plus
# 5 s, for a loaded machine) still leaves a correct run of those tests well inside the limit.
SETTINGS: dict[str, list[str]] = {
    "writers": ["timeout_multiplier = 3", "timeout_constant = 5"],
}

# Core modules this run does not measure, and why.
NOT_MEASURED: dict[str, str] = {
    "writers/package.py, writers/package_v2.py, writers/duckdb.py, writers/parquet.py": "not run yet: the descriptor and the DuckDB and "
    "Parquet files are checked by the build's tests (tests/test_build.py, tests/test_parquet.py), minutes per mutant",
    "projection/annotations.py": "not run yet: its tests (tests/test_annotations.py) run the rules over every provision",
}

# Survivors no test can kill: the mutant behaves as the code does (or differs only in speed). Each
# is named by mutmut's key and explained; the report counts them apart from the killed.
EQUIVALENT: dict[str, str] = {
    "wgtip.search.x__is_token_char__mutmut_6": '`cat[0]` is one character, and no Unicode category begins with "X": `in "XXLNXX"` is `in "LN"`',
    "wgtip.search.x_runs__mutmut_3": (
        "the full pattern (`_RUN`) finds the same runs in every text; the plain one is only faster where no private-use character occurs (tests/test_search.py checks they agree)"
    ),
    "wgtip.release.x_make_release__mutmut_22": "the draft's `events` row (its hash, line and data) is folded only into the log tables, which the release does not record",
    "wgtip.release.x_make_release__mutmut_24": "the draft's `events` row (its hash, line and data) is folded only into the log tables, which the release does not record",
    "wgtip.release.x_make_release__mutmut_25": "the draft's `events` row (its hash, line and data) is folded only into the log tables, which the release does not record",
    "wgtip.release.x_make_release__mutmut_33": "the draft's `events` row (its hash, line and data) is folded only into the log tables, which the release does not record",
    "wgtip.release.x_make_release__mutmut_34": "the draft's `events` row (its hash, line and data) is folded only into the log tables, which the release does not record",
    "wgtip.release.x_make_release__mutmut_35": "the draft's `events` row (its hash, line and data) is folded only into the log tables, which the release does not record",
    "wgtip.release.x_make_release__mutmut_36": "the draft's `events` row (its hash, line and data) is folded only into the log tables, which the release does not record",
    "wgtip.release.x_make_release__mutmut_37": "the draft's `events` row (its hash, line and data) is folded only into the log tables, which the release does not record",
    "wgtip.release.x_make_release__mutmut_39": "the draft's `events` row (its hash, line and data) is folded only into the log tables, which the release does not record",
    "wgtip.release.x_make_release__mutmut_40": "the draft's `events` row (its hash, line and data) is folded only into the log tables, which the release does not record",
    "wgtip.release.x_make_release__mutmut_71": "pydantic's `model_dump` with another mode gives the Python values, which `model_validate` reads as it reads their JSON form: the same event",
    "wgtip.release.x_make_release__mutmut_72": "pydantic's `model_dump` with another mode gives the Python values, which `model_validate` reads as it reads their JSON form: the same event",
    "wgtip.release.x_make_release__mutmut_73": "pydantic's `model_dump` with another mode gives the Python values, which `model_validate` reads as it reads their JSON form: the same event",
    "wgtip.release.x_make_release__mutmut_76": "pydantic's `model_dump` with another mode gives the Python values, which `model_validate` reads as it reads their JSON form: the same event",
    "wgtip.release.x_make_release__mutmut_77": "pydantic's `model_dump` with another mode gives the Python values, which `model_validate` reads as it reads their JSON form: the same event",
    "wgtip.release.x_make_release__mutmut_78": "pydantic's `model_dump` with another mode gives the Python values, which `model_validate` reads as it reads their JSON form: the same event",
    "wgtip.release.x_make_release__mutmut_81": "pydantic's `model_dump` with another mode gives the Python values, which `model_validate` reads as it reads their JSON form: the same event",
    "wgtip.release.x_make_release__mutmut_82": "pydantic's `model_dump` with another mode gives the Python values, which `model_validate` reads as it reads their JSON form: the same event",
    "wgtip.release.x_make_release__mutmut_83": "pydantic's `model_dump` with another mode gives the Python values, which `model_validate` reads as it reads their JSON form: the same event",
    "wgtip.release.x_make_release__mutmut_6": "unreachable: the log reader refuses an empty log (no segment) before `make_release` can find it empty",
    "wgtip.release.x_make_release__mutmut_7": "unreachable: the log reader refuses an empty log (no segment) before `make_release` can find it empty",
    "wgtip.release.x_make_release__mutmut_8": "unreachable: the log reader refuses an empty log (no segment) before `make_release` can find it empty",
    "wgtip.release.x__provisional__mutmut_12": "the draft's digest lands only in its `releases` row, a log table the release does not record; the release's own digest is computed afterwards",
    "wgtip.release.x__provisional__mutmut_20": "the draft's digest lands only in its `releases` row, a log table the release does not record; the release's own digest is computed afterwards",
    "wgtip.release.x__provisional__mutmut_21": "the draft's digest lands only in its `releases` row, a log table the release does not record; the release's own digest is computed afterwards",
    "wgtip.release.x__provisional__mutmut_34": "`source` defaults to None: leaving it out of `model_construct` sets the same value",
    "wgtip.release.x_file_sha256__mutmut_13": "the hash of a file does not depend on the size of the blocks it is read in: only the memory differs",
    "wgtip.release.x_file_sha256__mutmut_15": "the hash of a file does not depend on the size of the blocks it is read in: only the memory differs",
    "wgtip.release.x_file_sha256__mutmut_16": "the hash of a file does not depend on the size of the blocks it is read in: only the memory differs",
    "wgtip.release.x_release_layout__mutmut_1": "an assertion of what `until_release` guarantees (the fold stops at the release asked for): it holds either way",
    "wgtip.release.x_release_layout__mutmut_2": "an assertion of what `until_release` guarantees (the fold stops at the release asked for): it holds either way",
    "wgtip.folded.x_fold_tables__mutmut_20": (
        "a left-out table's rows are then not read at all, and no later table depends on their being read: tests/test_folded.py leaves each table out in turn and finds every other table unchanged "
        "(the comment's 'made in order' is not needed by today's projections)"
    ),
    "wgtip.appendonly.x__export__mutmut_20": "checkout-index of files git itself listed does not fail; not checking or capturing its output changes nothing the check returns",
    "wgtip.appendonly.x__export__mutmut_21": "checkout-index of files git itself listed does not fail; not checking or capturing its output changes nothing the check returns",
    "wgtip.appendonly.x__export__mutmut_24": "checkout-index of files git itself listed does not fail; not checking or capturing its output changes nothing the check returns",
    "wgtip.appendonly.x__export__mutmut_25": "checkout-index of files git itself listed does not fail; not checking or capturing its output changes nothing the check returns",
    "wgtip.appendonly.x__export__mutmut_37": "checkout-index of files git itself listed does not fail; not checking or capturing its output changes nothing the check returns",
    "wgtip.appendonly.x__export__mutmut_38": "checkout-index of files git itself listed does not fail; not checking or capturing its output changes nothing the check returns",
    "wgtip.appendonly.x__export__mutmut_11": "without `--` (or with a pathspec that matches nothing beside it) git reads `events/` as a path all the same: no revision has that name",
    "wgtip.appendonly.x__export__mutmut_17": "without `--` (or with a pathspec that matches nothing beside it) git reads `events/` as a path all the same: no revision has that name",
    "wgtip.appendonly.x__export__mutmut_50": "without `--` (or with a pathspec that matches nothing beside it) git reads `events/` as a path all the same: no revision has that name",
    "wgtip.appendonly.x__export__mutmut_56": "without `--` (or with a pathspec that matches nothing beside it) git reads `events/` as a path all the same: no revision has that name",
    "wgtip.appendonly.x__export__mutmut_68": "without `--` (or with a pathspec that matches nothing beside it) git reads `events/` as a path all the same: no revision has that name",
    "wgtip.appendonly.x__export__mutmut_12": "the exported tree (or archive) then holds files beside events/, which the log reader never reads",
    "wgtip.appendonly.x__export__mutmut_48": "the exported tree (or archive) then holds files beside events/, which the log reader never reads",
    "wgtip.appendonly.x__export__mutmut_51": "the exported tree (or archive) then holds files beside events/, which the log reader never reads",
    "wgtip.appendonly.x__export__mutmut_69": "the exported tree (or archive) then holds files beside events/, which the log reader never reads",
    "wgtip.appendonly.x__export__mutmut_66": (
        "`git archive` writes tar by default; `filter=None` extracts as 'data' does for the regular files git archive writes (Python 3.14 makes 'data' the default)"
    ),
    "wgtip.appendonly.x__export__mutmut_78": (
        "`git archive` writes tar by default; `filter=None` extracts as 'data' does for the regular files git archive writes (Python 3.14 makes 'data' the default)"
    ),
    "wgtip.appendonly.x__segments__mutmut_14": "`--full-tree` matters only when git runs from a subdirectory; the check runs git with `-C` at the repository's root",
    "wgtip.appendonly.x__segments__mutmut_16": "without `--` (or with a pathspec that matches nothing beside it) git reads `events/` as a path all the same: no revision has that name",
    "wgtip.appendonly.x__segments__mutmut_26": "without `--` (or with a pathspec that matches nothing beside it) git reads `events/` as a path all the same: no revision has that name",
    "wgtip.appendonly.x__segments__mutmut_39": "git's `ls-tree -z` entry begins `<mode> <type> <object>` with single spaces: splitting that at any whitespace gives the same three parts",
    "wgtip.appendonly.x__segments__mutmut_47": "codec names are not case-sensitive: 'UTF-8' is 'utf-8'",
    "wgtip.appendonly.x_changes__mutmut_16": "without `--` (or with a pathspec that matches nothing beside it) git reads `events/` as a path all the same: no revision has that name",
    "wgtip.appendonly.x_changes__mutmut_32": "git's -z output always ends with NUL when it lists anything; with nothing, `fields` is `[b'']`, so `fields[-1]` exists either way",
    "wgtip.appendonly.x_changes__mutmut_48": "codec names are not case-sensitive: 'UTF-8' is 'utf-8'",
    "wgtip.appendonly.x_published_problems__mutmut_1": "`head` is always passed by `check`, the only caller; the default is never used",
    "wgtip.appendonly.x_published_problems__mutmut_2": "`head` is always passed by `check`, the only caller; the default is never used",
    "wgtip.appendonly.x_published_problems__mutmut_13": "only whether git's output is captured or shown changes (the merge-base answer is read from the exit status)",
    "wgtip.appendonly.x_published_problems__mutmut_15": "only whether git's output is captured or shown changes (the merge-base answer is read from the exit status)",
    "wgtip.appendonly.x_published_problems__mutmut_23": "only whether git's output is captured or shown changes (the merge-base answer is read from the exit status)",
    "wgtip.appendonly.x_published_problems__mutmut_27": "only whether git's output is captured or shown changes (the merge-base answer is read from the exit status)",
    "wgtip.appendonly.x_published_problems__mutmut_29": "only whether git's output is captured or shown changes (the merge-base answer is read from the exit status)",
    "wgtip.appendonly.x_published_problems__mutmut_39": "only whether git's output is captured or shown changes (the merge-base answer is read from the exit status)",
    "wgtip.appendonly.x_release_tags__mutmut_9": "without the pattern git lists every tag, and the vX.Y.Z expression keeps the same ones",
    "wgtip.fold.x__lazy_rows__mutmut_8": "a `Record` is read by key as by attribute (it reads like a dict): the same values, only slower",
    "wgtip.folded.x_fold_checked__mutmut_2": "only whether `log_errors` is empty is read, and `[None]` is not empty",
    "wgtip.folded.x_fold_checked__mutmut_7": "the rest of the log is read all the same (into a deque that keeps it): only the memory differs",
    "wgtip.folded.x_fold_checked__mutmut_9": "the rest of the log is read all the same (into a deque that keeps it): only the memory differs",
    "wgtip.folded.x_fold_checked__mutmut_10": "the rest of the log is read all the same (a deque keeping its last event): only the memory differs",
    "wgtip.folded.x_fold_tables__mutmut_3": "the events table is first in `TABLES`, and `tables` is set once it is written, before any other table reads it",
    "wgtip.folded.x_fold_tables__mutmut_19": "a left-out table's rows are read into a deque that keeps all of them: read all the same, only the memory differs",
    "wgtip.folded.x_fold_tables__mutmut_21": "a left-out table's rows are read into a deque that keeps all of them: read all the same, only the memory differs",
    "wgtip.folded.x_fold_tables__mutmut_22": "a left-out table's rows are read into a deque that keeps the last of them: read all the same, only the memory differs",
    "wgtip.folded.xǁ_KeptTableǁclose__mutmut_1": "`fold_kept` passes no table's size or hash on (`Kept` has none)",
    "wgtip.folded.xǁ_KeptTableǁclose__mutmut_2": "`fold_kept` passes no table's size or hash on (`Kept` has none)",
    "wgtip.folded.x_fold_kept__mutmut_16": "`rows.get(name)` is None only for a table `keep` does not name, whose sink has no filter and so never adds to it",
    "wgtip.folded.x_fold_kept__mutmut_18": "`rows.get(name)` is None only for a table `keep` does not name, whose sink has no filter and so never adds to it",
    "wgtip.log.x__depth_of__mutmut_11": "a local `$ref` is `#/$defs/<name>` and a name holds no '/' (JSON Pointer writes it `~1`): split at its last '/', at its last two or at every one, the last "
    "part is the name, and the split in two is `[-1]` or `[+1]` alike",
    "wgtip.log.x__depth_of__mutmut_16": "a local `$ref` is `#/$defs/<name>` and a name holds no '/' (JSON Pointer writes it `~1`): split at its last '/', at its last two or at every one, the last "
    "part is the name, and the split in two is `[-1]` or `[+1]` alike",
    "wgtip.log.x__depth_of__mutmut_17": "a local `$ref` is `#/$defs/<name>` and a name holds no '/' (JSON Pointer writes it `~1`): split at its last '/', at its last two or at every one, the last "
    "part is the name, and the split in two is `[-1]` or `[+1]` alike",
    "wgtip.log.x__depth_of__mutmut_55": "the list it takes the maximum of always holds `items` (or `{}` in its place), so the default is never used",
    "wgtip.log.x__depth_of__mutmut_57": "the list it takes the maximum of always holds `items` (or `{}` in its place), so the default is never used",
    "wgtip.log.x__depth_of__mutmut_75": "the list it takes the maximum of always holds `items` (or `{}` in its place), so the default is never used",
    "wgtip.log.x__describe_validation_error__mutmut_3": "only pydantic's documentation link is added to the error's dict, and the describer does not read it",
    "wgtip.log.x__describe_validation_error__mutmut_12": "the describer is given the errors of one event model (`BY_NAME[etype]`), never of the union adapter, so no error's location begins with an "
    "event type's name",
    "wgtip.log.x__describe_validation_error__mutmut_13": "the describer is given the errors of one event model (`BY_NAME[etype]`), never of the union adapter, so no error's location begins with an "
    "event type's name",
    "wgtip.log.x__describe_validation_error__mutmut_18": "no error's location is empty: an Envelope has no validator of its own, and a line that is not an object is refused before validation",
    "wgtip.log.x__describe_validation_error__mutmut_19": "no error's location is empty: an Envelope has no validator of its own, and a line that is not an object is refused before validation",
    "wgtip.log.x__json_error__mutmut_9": "codec names are not case-sensitive: 'UTF-8' is 'utf-8'",
    "wgtip.log.x__not_compact__mutmut_4": "codec names are not case-sensitive: 'UTF-8' is 'utf-8'",
    "wgtip.log.x__not_compact__mutmut_7": "codec names are not case-sensitive: 'UTF-8' is 'utf-8'",
    "wgtip.log.x_read_segment__mutmut_55": "codec names are not case-sensitive: 'UTF-8' is 'utf-8'",
    "wgtip.log.x__nesting__mutmut_2": "only a line that is not an array or object counts 1 instead of 0, and its depth is only compared with the deepest a schema allows (7)",
    "wgtip.log.x_encode_event__mutmut_5": "`exclude_none=False` is pydantic's default",
    "wgtip.log.x_iter_log__mutmut_1": "`prev` is only tested for truth, and '' is as false as None",
    "wgtip.log.x_iter_log__mutmut_17": "the fallback's slice is never reached with events: segment names are checked against their first event and a segment holds consecutive events, so path order "
    "is sequence order, and the streamed check fails only where `read_log` raises",
    "wgtip.log.x_iter_log__mutmut_18": "the fallback's slice is never reached with events: segment names are checked against their first event and a segment holds consecutive events, so path order "
    "is sequence order, and the streamed check fails only where `read_log` raises",
    "wgtip.log.x_parse_line__mutmut_8": "the locked orjson words a line nested too deep 'depth limit exceeded', which the first test catches; no other message of orjson's decoder holds 'recursion'",
    "wgtip.log.x_parse_line__mutmut_9": "the locked orjson words a line nested too deep 'depth limit exceeded', which the first test catches; no other message of orjson's decoder holds 'recursion'",
    "wgtip.log.x_parse_line__mutmut_11": "the locked orjson words a line nested too deep 'depth limit exceeded', which the first test catches; no other message of orjson's decoder holds 'recursion'",
    "wgtip.log.x_parse_line__mutmut_12": "the locked orjson words a line nested too deep 'depth limit exceeded', which the first test catches; no other message of orjson's decoder holds 'recursion'",
    "wgtip.log.x_parse_line__mutmut_39": "'' and None both differ from the line, and a line orjson cannot write back (over 255 levels) is refused for its depth before the compact form is read",
    "wgtip.log.x_parse_line__mutmut_76": "without the fast path every line takes the slow one, which validates the same line with the same model (only slower)",
    "wgtip.log.x_parse_line__mutmut_159": "upcasting from the current version is the identity: no upcaster reads a type's current version",
    "wgtip.log.x_read_segment__mutmut_99": "the byte pass only decides whether the regular expression runs; running it on every segment finds the same first control character (only slower)",
    "wgtip.log.x_read_segment__mutmut_102": "the byte pass only decides whether the regular expression runs; running it on every segment finds the same first control character (only slower)",
    "wgtip.log.x_read_segment__mutmut_106": "the byte pass only decides whether the regular expression runs; running it on every segment finds the same first control character (only slower)",
    "wgtip.log.x_read_segment__mutmut_59": "`count(sub, None, end)` counts from the start, as `count(sub, 0, end)`",
    "wgtip.log.x_read_segment__mutmut_110": "`count(sub, None, end)` counts from the start, as `count(sub, 0, end)`",
    "wgtip.log.x_write_segments__mutmut_4": "the run's slug, first seq and size are set from the first event before they are read (`run` is empty until then)",
    "wgtip.log.x_write_segments__mutmut_5": "the run's slug, first seq and size are set from the first event before they are read (`run` is empty until then)",
    "wgtip.log.x_write_segments__mutmut_6": "the run's slug, first seq and size are set from the first event before they are read (`run` is empty until then)",
    "wgtip.writers.sqlite.x_ddl__mutmut_6": "SQLAlchemy's generic dialect writes every table's CREATE as the SQLite one does (their column types are spelled alike); checked over every table when "
    "this was written",
    "wgtip.writers.sqlite.x_ddl__mutmut_80": "SQLAlchemy's generic dialect writes every table's CREATE as the SQLite one does (their column types are spelled alike); checked over every table when "
    "this was written",
    "wgtip.writers.sqlite.x_ddl__mutmut_22": "a CREATE TABLE holds '(\\n\\t' once: split once, at the last, or as often as it occurs, the two parts are the same",
    "wgtip.writers.sqlite.x_ddl__mutmut_23": "a CREATE TABLE holds '(\\n\\t' once: split once, at the last, or as often as it occurs, the two parts are the same",
    "wgtip.writers.sqlite.x_ddl__mutmut_25": "a CREATE TABLE holds '(\\n\\t' once: split once, at the last, or as often as it occurs, the two parts are the same",
    "wgtip.writers.sqlite.x_ddl__mutmut_46": "no key of a table is over a column whose name SQL quotes (or begins or ends with X): the names read are the same",
    "wgtip.writers.sqlite.x_ddl__mutmut_47": "no key of a table is over a column whose name SQL quotes (or begins or ends with X): the names read are the same",
    "wgtip.writers.sqlite.x_ddl__mutmut_52": "a key's clause names its columns in its first parentheses: split there once, twice or at every one, the part read is the same",
    "wgtip.writers.sqlite.x_ddl__mutmut_57": "a key's clause names its columns in its first parentheses: split there once, twice or at every one, the part read is the same",
    "wgtip.writers.sqlite.x_ddl__mutmut_60": "a key's clause names its columns in its first parentheses: split there once, twice or at every one, the part read is the same",
    "wgtip.writers.sqlite.x_ddl__mutmut_63": "a key's clause names its columns in its first parentheses: split there once, twice or at every one, the part read is the same",
    "wgtip.writers.sqlite.x_ddl__mutmut_79": "no table model declares an index (the database's indexes are made after its rows, by wgtip.indexes): the list of CREATE INDEX is empty whatever its "
    "making",
    "wgtip.writers.sqlite.x_ddl__mutmut_81": "no table model declares an index (the database's indexes are made after its rows, by wgtip.indexes): the list of CREATE INDEX is empty whatever its "
    "making",
    "wgtip.writers.sqlite.x_ddl__mutmut_83": "no table model declares an index (the database's indexes are made after its rows, by wgtip.indexes): the list of CREATE INDEX is empty whatever its "
    "making",
    "wgtip.writers.sqlite.x_ddl__mutmut_85": "no table model declares an index (the database's indexes are made after its rows, by wgtip.indexes): the list of CREATE INDEX is empty whatever its "
    "making",
    "wgtip.writers.sqlite.x_ddl__mutmut_86": "no table model declares an index (the database's indexes are made after its rows, by wgtip.indexes): the list of CREATE INDEX is empty whatever its "
    "making",
    "wgtip.writers.sqlite.x_ddl__mutmut_87": "no table model declares an index (the database's indexes are made after its rows, by wgtip.indexes): the list of CREATE INDEX is empty whatever its "
    "making",
    "wgtip.writers.sqlite.x_ddl__mutmut_88": "no table model declares an index (the database's indexes are made after its rows, by wgtip.indexes): the list of CREATE INDEX is empty whatever its "
    "making",
    "wgtip.writers.sqlite.x_ddl__mutmut_89": "no table model declares an index (the database's indexes are made after its rows, by wgtip.indexes): the list of CREATE INDEX is empty whatever its "
    "making",
    "wgtip.writers.sqlite.xǁSqliteFileǁ__init____mutmut_5": "the scratch file's name is read by nothing but this SqliteFile, which makes it, renames it to the target or removes it (and removes a "
    "leftover of its own name first)",
    "wgtip.writers.sqlite.xǁSqliteFileǁ__init____mutmut_6": "the scratch file's name is read by nothing but this SqliteFile, which makes it, renames it to the target or removes it (and removes a "
    "leftover of its own name first)",
    "wgtip.writers.sqlite.xǁSqliteFileǁ__init____mutmut_13": "SQLite's PRAGMA names and values are not case-sensitive",
    "wgtip.writers.sqlite.xǁSqliteFileǁ__init____mutmut_14": "SQLite's PRAGMA names and values are not case-sensitive",
    "wgtip.writers.sqlite.xǁSqliteFileǁ__init____mutmut_17": "SQLite's PRAGMA names and values are not case-sensitive",
    "wgtip.writers.sqlite.xǁSqliteFileǁ__init____mutmut_18": "SQLite's PRAGMA names and values are not case-sensitive",
    "wgtip.writers.sqlite.xǁSqliteFileǁfinish__mutmut_6": "SQLite's PRAGMA names and values are not case-sensitive",
    "wgtip.writers.sqlite.xǁSqliteFileǁfinish__mutmut_7": "SQLite's PRAGMA names and values are not case-sensitive",
    "wgtip.writers.sqlite.xǁSqliteFileǁwrite__mutmut_16": "ddl given every column in the model's order makes what it makes given none",
    "wgtip.writers.sqlite.xǁSqliteFileǁwrite__mutmut_21": "only whether a list of rows is copied into another list changes (memory)",
    "wgtip.writers.sqlite.xǁSqliteFileǁwrite__mutmut_23": "only whether a list of rows is copied into another list changes (memory)",
    "wgtip.writers.sqlite.xǁSqliteProcessǁwrite__mutmut_2": "only whether a list of rows is copied into another list changes (memory)",
    "wgtip.writers.sqlite.x_serve__mutmut_3": "the flags only forbid a direction on a one-way pipe end, and neither end is used the other way",
    "wgtip.writers.sqlite.x_serve__mutmut_5": "the flags only forbid a direction on a one-way pipe end, and neither end is used the other way",
    "wgtip.writers.sqlite.x_serve__mutmut_6": "the flags only forbid a direction on a one-way pipe end, and neither end is used the other way",
    "wgtip.writers.sqlite.x_serve__mutmut_8": "the flags only forbid a direction on a one-way pipe end, and neither end is used the other way",
    "wgtip.writers.sqlite.x_serve__mutmut_10": "the flags only forbid a direction on a one-way pipe end, and neither end is used the other way",
    "wgtip.writers.sqlite.x_serve__mutmut_11": "the flags only forbid a direction on a one-way pipe end, and neither end is used the other way",
    "wgtip.writers.sqlite.xǁSqliteProcessǁ__init____mutmut_24": "the flags only forbid a direction on a one-way pipe end, and neither end is used the other way",
    "wgtip.writers.sqlite.xǁSqliteProcessǁ__init____mutmut_26": "the flags only forbid a direction on a one-way pipe end, and neither end is used the other way",
    "wgtip.writers.sqlite.xǁSqliteProcessǁ__init____mutmut_27": "the flags only forbid a direction on a one-way pipe end, and neither end is used the other way",
    "wgtip.writers.sqlite.xǁSqliteProcessǁ__init____mutmut_30": "the flags only forbid a direction on a one-way pipe end, and neither end is used the other way",
    "wgtip.writers.sqlite.xǁSqliteProcessǁ__init____mutmut_32": "the flags only forbid a direction on a one-way pipe end, and neither end is used the other way",
    "wgtip.writers.sqlite.xǁSqliteProcessǁ__init____mutmut_33": "the flags only forbid a direction on a one-way pipe end, and neither end is used the other way",
    "wgtip.writers.sqlite.x_serve__mutmut_37": "the value is sent only when finish or close_csv has set it; with an error the error is sent instead",
    "wgtip.writers.sqlite.xǁSqliteProcessǁ__init____mutmut_12": "serve never reads its standard input: inherited or /dev/null, it changes nothing",
    "wgtip.writers.sqlite.xǁSqliteProcessǁ__init____mutmut_16": "serve never reads its standard input: inherited or /dev/null, it changes nothing",
    "wgtip.writers.sqlite.xǁSqliteProcessǁ__init____mutmut_39": "the sender thread's name is seen only in a debugger's list of threads",
    "wgtip.writers.sqlite.xǁSqliteProcessǁ__init____mutmut_42": "the sender thread's name is seen only in a debugger's list of threads",
    "wgtip.writers.sqlite.xǁSqliteProcessǁ__init____mutmut_44": "the sender thread's name is seen only in a debugger's list of threads",
    "wgtip.writers.sqlite.xǁSqliteProcessǁ__init____mutmut_45": "the sender thread's name is seen only in a debugger's list of threads",
    "wgtip.writers.sqlite.xǁSqliteProcessǁ__init____mutmut_49": "serve reads its first message as the start whatever it is called (the name is not read)",
    "wgtip.writers.sqlite.xǁSqliteProcessǁ__init____mutmut_50": "serve reads its first message as the start whatever it is called (the name is not read)",
    "wgtip.writers.sqlite.xǁSqliteProcessǁ_send__mutmut_1": "unreachable: once the sender stopped, `_result` raises (the writer's error, or its exit when the pipe broke) before this line; no answer "
    "is pending that it could return",
    "wgtip.writers.sqlite.xǁSqliteProcessǁ_send__mutmut_2": "unreachable: once the sender stopped, `_result` raises (the writer's error, or its exit when the pipe broke) before this line; no answer "
    "is pending that it could return",
    "wgtip.writers.sqlite.xǁSqliteProcessǁ_send__mutmut_3": "unreachable: once the sender stopped, `_result` raises (the writer's error, or its exit when the pipe broke) before this line; no answer "
    "is pending that it could return",
    "wgtip.writers.sqlite.xǁSqliteProcessǁ_send__mutmut_4": "unreachable: once the sender stopped, `_result` raises (the writer's error, or its exit when the pipe broke) before this line; no answer "
    "is pending that it could return",
    "wgtip.writers.sqlite.xǁSqliteProcessǁ_send_queued__mutmut_2": "the sender takes a message before it stops, and one thread sends: the one message `_send` may put after the writer stopped finds "
    "room, and every later one is refused by `_send` (so no put blocks on a full queue)",
    "wgtip.writers.sqlite.x_encode__mutmut_7": "`decode` reads every message not marked b'M' as a pickle: b'p' is read as b'P' is",
    "wgtip.writers.sqlite.x_encode__mutmut_9": "pickle's default protocol is read back as its highest is: only the size of the start and finish messages differs",
    "wgtip.writers.sqlite.x_encode__mutmut_11": "pickle's default protocol is read back as its highest is: only the size of the start and finish messages differs",
    "wgtip.writers.sqlite.x_write_message__mutmut_1": "serve takes every message that is not finish, close_csv or fields as a batch of rows: the name 'write' is not read",
    "wgtip.writers.sqlite.x_write_message__mutmut_2": "serve takes every message that is not finish, close_csv or fields as a batch of rows: the name 'write' is not read",
    "wgtip.projection.state.x_record_removed__mutmut_25": "a record's fields default to None (`record_type`): leaving `field=None` out of `ChangeRecord(...)` makes the same record",
    "wgtip.projection.state.x_record_removed__mutmut_27": "a record's fields default to None (`record_type`): leaving `new_value=None` out of `ChangeRecord(...)` makes the same record",
    "wgtip.projection.state.x_record_type__mutmut_6": "dataclasses read `eq` by its truth (`if eq:`): `eq=None` makes no `__eq__`, as `eq=False` does",
    "wgtip.projection.history.x__release_published__mutmut_39": (
        "`new == old` cannot reach this test: a version already released is refused just above, and SEMVER (no leading zeros) spells each (major, minor, patch) one way"
    ),
}

# mutmut's exit codes (mutmut/stats.py): what each mutant's test run ended with
STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests", 34: "skipped", 36: "timeout", 24: "timeout", -24: "timeout", 152: "timeout", 255: "timeout", None: "not checked"}
CAUGHT = ("killed", "timeout")


def venv() -> Path:
    """The venv with mutmut and the project's locked packages, made (again) when a lock changes."""
    import hashlib

    want = hashlib.sha256(LOCK.read_bytes() + (ROOT / "requirements.lock").read_bytes()).hexdigest()
    stamp = VENV / ".wgtip-lock"
    if not stamp.exists() or stamp.read_text() != want:
        shutil.rmtree(VENV, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        pip = [str(VENV / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
        subprocess.run([*pip, "--require-hashes", "-r", str(ROOT / "requirements.lock"), "-r", str(LOCK)], check=True)
        subprocess.run([*pip, "--no-deps", "--no-build-isolation", "-e", str(ROOT)], check=True)
        stamp.write_text(want)
    return VENV / "bin" / "mutmut"


def copy_repo(target: Path) -> None:
    """The repository's files as they are in the working tree (tracked, and new ones not ignored)."""
    shutil.rmtree(target, ignore_errors=True)
    files = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others", "--exclude-standard"], capture_output=True, check=True).stdout
    for name in files.decode().split("\0"):
        if not name or not (ROOT / name).is_file():
            continue
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target / name)


def configure(target: Path, sources: list[str], tests: list[str], settings: list[str]) -> None:
    """mutmut's settings in the copy's setup.cfg (pyproject.toml stays as committed: tests hash it)."""
    top = sorted(p.name for p in target.iterdir() if p.name not in ("src", "tests", "pyproject.toml"))
    lines = [
        "[mutmut]",
        "source_paths = src",
        "only_mutate =",
        *(f"    {s}" for s in sources),
        "pytest_add_cli_args_test_selection =",
        *(f"    {t}" for t in tests),
        "# the tests read the log, the data and the docs from the repository root (mutmut runs them in mutants/)",
        "also_copy =",
        *(f"    {t}" for t in top),
        *settings,
    ]
    (target / "setup.cfg").write_text("\n".join(lines) + "\n", encoding="utf-8")


def isolated() -> dict[str, str]:
    """The environment of a mutation run: git must not find this repository above the copy (a mutant
    that drops ``-C root`` from a git command would otherwise read or write this checkout)."""
    return {**os.environ, "GIT_CEILING_DIRECTORIES": str(WORK)}


def run(name: str) -> dict:
    sources, tests = MODULES[name]
    mutmut = venv()
    target = WORK / name
    copy_repo(target)
    configure(target, sources, tests, SETTINGS.get(name, []))
    started = time.monotonic()
    with open(target / "mutmut-run.log", "wb") as out:
        proc = subprocess.run(["nice", "-n", "15", str(mutmut), "run", "--max-children", "1"], cwd=target, stdout=out, stderr=subprocess.STDOUT, env=isolated())
    seconds = round(time.monotonic() - started)
    if proc.returncode != 0:
        sys.exit(f"mutmut failed on {name} (exit {proc.returncode}): see {target / 'mutmut-run.log'}")
    result = collect(name, target, mutmut)
    result["seconds"] = seconds
    (RESULTS / f"mutation-{name}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return result


def again(name: str) -> dict:
    """The survivors of a module's last run (bar the equivalent ones) run again, in its copy, with the
    tests of the working tree as they are now (tests added since the run): the rest keep their results."""
    target, mutmut = WORK / name, venv()
    before = json.loads((RESULTS / f"mutation-{name}.json").read_text(encoding="utf-8"))
    for where in (target / "tests", target / "mutants" / "tests"):
        shutil.rmtree(where)
        shutil.copytree(ROOT / "tests", where, ignore=shutil.ignore_patterns("__pycache__"))
    keys = [key for key in before["survivors"] if key not in EQUIVALENT]
    started = time.monotonic()
    with open(target / "mutmut-again.log", "wb") as out:
        subprocess.run(["nice", "-n", "15", str(mutmut), "run", "--max-children", "1", *keys], cwd=target, stdout=out, stderr=subprocess.STDOUT, check=True, env=isolated())
    result = collect(name, target, mutmut)
    result["seconds"] = before["seconds"]
    result["again_seconds"] = round(time.monotonic() - started)
    result["again"] = len(keys)
    (RESULTS / f"mutation-{name}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return result


def collect(name: str, target: Path, mutmut: Path) -> dict:
    sources, tests = MODULES[name]
    statuses: dict[str, str] = {}
    keys_of: dict[str, set[str]] = {}
    for source in sources:
        meta = json.loads((target / "mutants" / (source + ".meta")).read_text(encoding="utf-8"))
        keys_of[source] = set(meta["exit_code_by_key"])
        for key, code in sorted(meta["exit_code_by_key"].items()):
            statuses[key] = STATUS.get(code, "suspicious")
    # the diffs of the survivors, by mutmut's own function, in one process (``mutmut show`` takes a second each)
    shown = [(key, source) for source in sources for key, status in statuses.items() if status not in CAUGHT and status != "no tests" and key in keys_of[source]]
    script = "import json, sys\nfrom mutmut.mutation.diff_apply import get_diff_for_mutant\nprint(json.dumps({k: get_diff_for_mutant(k, path=p) for k, p in json.load(sys.stdin)}))"
    diffs = json.loads(subprocess.run([str(mutmut.parent / "python"), "-c", script], cwd=target, input=json.dumps(shown), capture_output=True, text=True, check=True).stdout)
    survivors = {}
    for key, status in statuses.items():
        if status == "no tests":  # no selected test reaches the function: its name says enough
            survivors[key] = {"status": status, "diff": []}
        elif status not in CAUGHT:
            lines = diffs[key].splitlines()
            survivors[key] = {"status": status, "diff": [line for line in lines if line[:1] in "+-" and not line.startswith(("+++", "---"))]}
    counts = Counter(statuses.values())
    return {
        "module": name,
        "files": sources,
        "tests": tests,
        "tool": "mutmut 3.8.1",
        "mutants": len(statuses),
        "counts": dict(sorted(counts.items())),
        "killed": sum(counts[s] for s in CAUGHT),
        "survivors": survivors,
    }


def report() -> None:
    rows, sections = [], []
    for name in MODULES:
        path = RESULTS / f"mutation-{name}.json"
        if not path.exists():
            rows.append(f"| {name} | {', '.join(f.removeprefix('src/wgtip/') for f in MODULES[name][0])} | not run | | | | | | | |")
            continue
        r = json.loads(path.read_text(encoding="utf-8"))
        ratio = r["killed"] / r["mutants"] if r["mutants"] else 0
        equivalent = [key for key in r["survivors"] if key in EQUIVALENT]
        caught = (r["killed"] + len(equivalent)) / r["mutants"] if r["mutants"] else 0
        rows.append(
            f"| {name} | {', '.join(f.removeprefix('src/wgtip/') for f in r['files'])} | {', '.join(t.removeprefix('tests/') for t in r['tests'])} | "
            f"{r['mutants']} | {r['killed']} | {ratio:.1%} | {len(equivalent)} | {caught:.1%} | {r['counts'].get('no tests', 0)} | {r['seconds'] // 60} min {r['seconds'] % 60} s"
            + (f" (then its {r['again']} survivors again with later tests: {r['again_seconds']} s)" if "again" in r else "")
            + (f"; stopped early: {r['counts']['not checked']} mutants not checked" if r["counts"].get("not checked") else "")
            + " |"
        )
        lines = [f"### {name}: {len(r['survivors']) - len(equivalent)} not caught, {len(equivalent)} equivalent", ""]
        untested = Counter(key.rsplit("__mutmut_", 1)[0] for key, s in r["survivors"].items() if s["status"] == "no tests")
        if untested:
            lines.append("No selected test reaches: " + ", ".join(f"`{fn}` ({n})" for fn, n in sorted(untested.items())) + ".")
            lines.append("")
        for key, s in r["survivors"].items():
            if key in EQUIVALENT:
                lines.append(f"- `{key}` (equivalent): {EQUIVALENT[key]}")
            elif s["status"] != "no tests":
                change = " / ".join(d.strip() for d in s["diff"])[:300]
                lines.append(f"- `{key}` ({s['status']}): `{change}`")
        sections.append("\n".join(lines))
    text = [
        "# Mutation testing of the core modules",
        "",
        "Written by `python bench/mutation.py --report` from the mutation-NAME.json files beside it (see docs/benchmarks.md, Mutation testing).",
        "Killed counts a timeout as caught; survived and no tests (no selected test reaches the mutated function) are not caught;",
        "equivalent survivors (the mutant behaves as the code does) are explained in `EQUIVALENT` in bench/mutation.py.",
        "A run's figures are those of the tests as they were when it ran: the tests added after it are in the git log.",
        "",
        "| module | files | tests | mutants | killed | killed ratio | equivalent | killed or equivalent | no tests | time |",
        "|---|---|---|---|---|---|---|---|---|---|",
        *rows,
        "",
        "## Not measured",
        "",
        *(f"- {name}: {why}." for name, why in NOT_MEASURED.items()),
        "",
        "## Survivors",
        "",
        *sections,
        "",
    ]
    (RESULTS / "mutation.md").write_text("\n".join(text), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("modules", nargs="*", help=f"the modules to mutate, of {', '.join(MODULES)} (all when none)")
    parser.add_argument("--report", action="store_true", help="only write bench/results/mutation.md from the runs made")
    parser.add_argument("--again", action="store_true", help="run again only the survivors of the modules' last runs, with the tests as they are now")
    parser.add_argument("--collect", action="store_true", help="read the results of runs already made in bench/work/mutation (after an interrupted collection)")
    args = parser.parse_args()
    unknown = [m for m in args.modules if m not in MODULES]
    if unknown:
        parser.error(f"unknown modules: {', '.join(unknown)}")
    if args.again:
        for name in args.modules:
            r = again(name)
            print(f"{name}: {r['killed']}/{r['mutants']} killed", flush=True)
    elif args.collect:
        for name in args.modules:
            target = WORK / name
            result = collect(name, target, venv())
            metas = [(target / "mutants" / (source + ".meta")).stat().st_mtime for source in MODULES[name][0]]
            result["seconds"] = round(max(metas) - (target / "setup.cfg").stat().st_mtime)  # from the copy made to the last result
            (RESULTS / f"mutation-{name}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    elif not args.report:
        for name in args.modules or list(MODULES):
            r = run(name)
            print(f"{name}: {r['killed']}/{r['mutants']} killed in {r['seconds']} s", flush=True)
    report()


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
