"""Schemathesis hooks for the fuzz run of test/fuzz.test.ts (SCHEMATHESIS_HOOKS points here).

What they add to a plain `schemathesis run`, so that the run gets past validation errors and
404s to the code that builds customers, lists and states:

* `format: uuid4` (pydantic's, used for every id in Polar's spec) is unknown to schemathesis,
  which would fill ids with arbitrary strings: every request with an id would be a 422. Positive
  data gets version-4 UUIDs here: the ids the emulator holds (so that gets, updates, deletes and
  `organization_id` filters find something), fresh random ones (404), and now and then another
  spelling pydantic accepts (upper case, no hyphens, braces, `urn:uuid:`), which the emulator
  must canonicalize.
* Negative cases sometimes get a UUID of another version, or junk, where a uuid4 path or query
  parameter goes: pydantic's `uuid_version` and `uuid_parsing` errors, which schemathesis cannot
  aim at for a format it does not know.
* `external_id` path parameters become, three times in four, the external id of a customer the
  emulator holds (except in the stateful phase, where they come from responses on purpose).
* Positive `POST /v1/customers/` bodies lose `organization_id` (with an organization token Polar
  refuses any: 422 `organization_token`), and positive creates and updates get an email address
  no customer has yet (the generators reuse a handful, `0@0.com` above all: 422 "already
  exists"). Without this almost no create succeeds, and most updates fail the same way.
* Bodies served as `application/yaml` (the control plane's copies of the specs, declared
  `schema: {type: string}`) are taken as the text they are. Schemathesis would parse the YAML and
  compare the resulting mapping with `type: string`: a failure of the tool, not of the emulator.

The test passes the emulator's ids in POLAR_FUZZ_UUIDS and POLAR_FUZZ_EXTERNAL_IDS (comma-separated);
without them the strategies fall back to random values. Everything here is deterministic for a
given seed: no wall clock, no `hash()` (salted per process), and the run uses one worker.
"""

from __future__ import annotations

import itertools
import os
import re
import uuid
import zlib
from typing import Any

import schemathesis
from hypothesis import strategies as st
from schemathesis.core.parameters import ParameterLocation


def _env_list(name: str) -> list[str]:
    return [item for item in os.environ.get(name, "").split(",") if item]


KNOWN_UUIDS = _env_list("POLAR_FUZZ_UUIDS")
KNOWN_EXTERNAL_IDS = _env_list("POLAR_FUZZ_EXTERNAL_IDS")


def _respell(value: str, how: int) -> str:
    """`value`, a canonical UUID, in one of the spellings pydantic accepts."""
    return [value, value.upper(), value.replace("-", ""), "{" + value + "}", "urn:uuid:" + value][how]


def _with_version(value: uuid.UUID, version: int) -> str:
    return str(uuid.UUID(int=(value.int & ~(0xF << 76)) | (version << 76)))


# The canonical spelling 2 times in 3, each other one 1 time in 12.
_SPELLINGS = st.sampled_from([0] * 8 + [1, 2, 3, 4])
_RANDOM_V4 = st.uuids(version=4).map(str)
_V4 = st.one_of(st.sampled_from(KNOWN_UUIDS), _RANDOM_V4) if KNOWN_UUIDS else _RANDOM_V4

schemathesis.openapi.format("uuid4", st.builds(_respell, _V4, _SPELLINGS))

_OTHER_VERSION = st.builds(
    _respell, st.builds(_with_version, st.uuids(), st.sampled_from([1, 3, 5, 6, 7, 8])), _SPELLINGS
)
# In a path, junk must stay one non-empty segment that no client rewrites ("", ".", "..", "a/b").
NOT_UUID4 = {
    "path": st.one_of(
        _OTHER_VERSION,
        st.sampled_from(["0", "null", "00000000-0000-0000-0000-000000000000", "not-a-uuid"]),
        st.from_regex(r"[0-9A-Za-z_~{}:-]{1,40}", fullmatch=True),
    ),
    "query": st.one_of(
        _OTHER_VERSION,
        st.sampled_from(["", "0", "null", "00000000-0000-0000-0000-000000000000", "not-a-uuid"]),
        st.text(max_size=40),
    ),
}


def _mentions_uuid4(schema: Any) -> bool:
    if isinstance(schema, dict):
        return schema.get("format") == "uuid4" or any(_mentions_uuid4(value) for value in schema.values())
    if isinstance(schema, list):
        return any(_mentions_uuid4(item) for item in schema)
    return False


def _uuid4_parameters(case: schemathesis.Case) -> list[tuple[str, str]]:
    """(location, name) of the path and query parameters the case carries that are uuid4s."""
    found = []
    for parameter in case.operation.iter_parameters():
        location = parameter.location.value
        container = {"path": case.path_parameters, "query": case.query}.get(location)
        if container and parameter.name in container and _mentions_uuid4(parameter.definition.get("schema")):
            found.append((location, parameter.name))
    return found


@schemathesis.hook
def flatmap_case(context: schemathesis.HookContext, case: schemathesis.Case) -> st.SearchStrategy:
    """Fuzzing and stateful phases: half of the negative cases get a wrong UUID in one uuid4 parameter."""
    meta = case.meta
    targets = _uuid4_parameters(case) if meta is not None and meta.generation.mode.is_negative else []
    if not targets:
        return st.just(case)

    def with_wrong_uuid(target: tuple[str, str], value: str) -> schemathesis.Case:
        location, name = target
        if location == "path":
            case.path_parameters = {**case.path_parameters, name: value}
        else:
            case.query = {**case.query, name: value}
        return case

    wrong = st.sampled_from(targets).flatmap(
        lambda target: NOT_UUID4[target[0]].map(lambda value: with_wrong_uuid(target, value))
    )
    return st.one_of(st.just(case), wrong)


_EMAIL_SERIAL = itertools.count(1)
_EMAIL_MARK = re.compile(r"\+fuzz[0-9]+@(?=[^@]*$)")


def _unique_email(value: Any) -> Any:
    if not isinstance(value, str) or "@" not in value:
        return value
    local, _, domain = _EMAIL_MARK.sub("@", value).rpartition("@")
    return f"{local}+fuzz{next(_EMAIL_SERIAL)}@{domain}"


# Not a `map_case` hook: that one also runs in the coverage phase, but in the fuzzing phase any
# `map_case` (even one returning the case untouched) makes hypothesis retry the rejected negative
# draws of operations whose only parameter is a string, up to seconds per case. `before_call` runs
# in every phase, on the case about to be sent, outside generation. It may run twice for a case
# (a failure is replayed), hence the idempotent edits.
@schemathesis.hook
def before_call(context: schemathesis.HookContext, case: schemathesis.Case, kwargs: dict[str, Any]) -> None:
    """Held external ids in paths; creates and updates that can succeed."""
    meta = case.meta
    if meta is None:
        return
    phase = meta.phase.name.value

    external_id = (case.path_parameters or {}).get("external_id")
    if (
        KNOWN_EXTERNAL_IDS
        and isinstance(external_id, str)
        and external_id not in KNOWN_EXTERNAL_IDS
        and phase != "stateful"  # there it comes from a response, on purpose
        and not meta.is_negative_at(ParameterLocation.PATH)
    ):
        # Three times in four, chosen by the value itself (crc32, not hash(), which changes every run).
        checksum = zlib.crc32(external_id.encode("utf-8", "surrogatepass"))
        if checksum % 4:
            held = KNOWN_EXTERNAL_IDS[(checksum // 4) % len(KNOWN_EXTERNAL_IDS)]
            case.path_parameters = {**case.path_parameters, "external_id": held}

    if (
        case.method.upper() in ("POST", "PATCH")
        and case.path.startswith("/v1/customers/")
        and isinstance(case.body, dict)
        and not meta.is_negative_at(ParameterLocation.BODY)
    ):
        body = dict(case.body)
        if case.method.upper() == "POST":
            body.pop("organization_id", None)
        if "email" in body:
            body["email"] = _unique_email(body["email"])
        case.body = body


@schemathesis.deserializer("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")
def yaml_as_text(context: schemathesis.DeserializationContext, response: schemathesis.Response) -> str:
    """The body as the string the spec declares (`type: string`), not the document parsed."""
    return response.content.decode(response.encoding or "utf-8")
