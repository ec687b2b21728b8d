#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (fuzz/seeds/<target>/) from the recorded answers
(tests/fixtures/{moodle,facturascripts}/examples.json, copied from the shared contracts), the webhook
payload examples (crates/webhook/schema/examples) and the configuration example.

The seeds are committed, so the fixtures are only needed to regenerate them:
    python3 fuzz/seeds/generate.py [path/to/fixtures]
Input layouts are described at the top of each fuzz/fuzz_targets/*.rs.
"""

import base64
import hashlib
import hmac
import json
import pathlib
import shutil
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
SEEDS = ROOT / "fuzz" / "seeds"
FIXTURES = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "tests" / "fixtures"
# Seeds larger than this are cut down (lists to their first rows): libFuzzer's -max_len follows
# the largest seed, and small inputs run faster.
MAX_SEED = 4096


def compact(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def shrink(value):
    """Lists cut to their first 2 rows, recursively, until the JSON fits in MAX_SEED."""
    data = compact(value)
    if len(data) <= MAX_SEED:
        return data
    def cut(v):
        if isinstance(v, list):
            return [cut(x) for x in v[:2]]
        if isinstance(v, dict):
            return {k: cut(x) for k, x in v.items()}
        return v
    data = compact(cut(value))
    return data if len(data) <= MAX_SEED else None


def write(target, name, data):
    d = SEEDS / target
    d.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha1(data).hexdigest()[:10]
    (d / f"{name}-{digest}").write_bytes(data)


def reset(target):
    shutil.rmtree(SEEDS / target, ignore_errors=True)


# ---- moodle_response: function, status, content-type, body ---------------------------------
# Keep in sync with mm_moodle::fuzz::FUNCTIONS.
MOODLE_FUNCTIONS = [
    "core_webservice_get_site_info",
    "core_user_get_users_by_field",
    "core_user_get_users",
    "core_user_create_users",
    "core_user_update_users",
    "core_course_get_courses_by_field",
    "core_course_get_categories",
    "enrol_manual_enrol_users",
    "enrol_manual_unenrol_users",
    "core_enrol_get_enrolled_users",
    "core_enrol_get_users_courses",
    "core_cohort_add_cohort_members",
    "core_completion_get_course_completion_status",
    "core_completion_get_activities_completion_status",
    "core_badges_get_user_badges",
    "core_message_send_instant_messages",
    "core_files_upload",
    "core_group_get_course_groups",
    "core_group_create_groups",
    "core_group_add_group_members",
    "core_group_delete_group_members",
    "core_group_get_group_members",
]
MOODLE_TOKEN = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"  # as in fuzz_targets/moodle_response.rs


def moodle():
    reset("moodle_response")
    examples = json.loads((FIXTURES / "moodle" / "examples.json").read_text())
    for i, e in enumerate(examples):
        fn = e["wsfunction"]
        if fn == "webservice/upload.php":
            fn = "core_files_upload"
        index = MOODLE_FUNCTIONS.index(fn) if fn in MOODLE_FUNCTIONS else len(MOODLE_FUNCTIONS)
        body = shrink(e["response_json"])
        if body is not None:
            write("moodle_response", f"{fn}-{i}", bytes([index, 0, 0]) + body)
    unknown = len(MOODLE_FUNCTIONS)
    extra = {
        # A site (or a proxy) echoing the token of the request.
        "echo-exception": bytes([0, 0, 0]) + compact({
            "exception": "moodle_exception", "errorcode": "invalidtoken",
            "message": f"Invalid token {MOODLE_TOKEN}", "debuginfo": f"wstoken={MOODLE_TOKEN}"}),
        "echo-html": bytes([1, 0x80 + 10, 2]) + f"<html>error wstoken={MOODLE_TOKEN}</html>".encode(),
        "echo-502": bytes([1, 0x80 + 11, 6]) + f"bad gateway for wstoken={MOODLE_TOKEN}".encode(),
        "ws-disabled": bytes([0, 0x80 + 7, 1]) + b" \n",
        "ajax-error": bytes([16, 0, 0]) + compact({"error": "Invalid file", "errorcode": "upload_error"}),
        "deep": bytes([unknown, 0, 0]) + b"[" * 200,
        "null": bytes([4, 0, 0]) + b"null",
        # Regression: an answer of the wrong shape echoing the token, quoted by the decoder.
        "regression-decode-echo": bytes([0, 0, 0]) + compact(f"<EXCEPTION>wstoken={MOODLE_TOKEN}</EXCEPTION>"),
        "string-ids": bytes([1, 0, 3]) + compact([{"id": "2", "username": "ada", "suspended": "0"}]),
        "groups": bytes([17, 0, 0]) + compact([{"id": 3, "courseid": 2, "name": "Cohort 2027-01", "description": "",
                                                 "descriptionformat": 1, "enrolmentkey": "", "idnumber": ""}]),
        "group-members": bytes([21, 0, 0]) + compact([{"groupid": "3", "userids": [4, 5]}]),
        "group-duplicate": bytes([18, 0, 0]) + compact({
            "exception": "invalid_parameter_exception", "errorcode": "invalidparameter",
            "message": "Invalid parameter value detected",
            "debuginfo": "Group with the same name already exists in the course"}),
        "group-invalidrecord": bytes([19, 0, 0]) + compact({
            "exception": "dml_missing_record_exception", "errorcode": "invalidrecord",
            "message": "Can't find data record in database table groups.",
            "debuginfo": "SELECT * FROM {groups} WHERE id = ?"}),
    }
    for name, data in extra.items():
        write("moodle_response", name, data)


# ---- facturascripts_response: kind, status, total, body ------------------------------------
FS_STATUSES = [0, 201, 204, 301, 400, 401, 403, 404, 405, 409, 422, 429, 500, 502, 503, 599]
FS_TYPES = ["facturaclientes", "lineafacturaclientes", "clientes", "contactos", "productos",
            "variantes", "reciboclientes", "estadodocumentos"]


def fs_status(status):
    if status == 200:
        return 0
    return 0x80 + FS_STATUSES.index(status) if status in FS_STATUSES else 0x80


def facturascripts():
    reset("facturascripts_response")
    examples = json.loads((FIXTURES / "facturascripts" / "examples.json").read_text())
    rows = {t: [] for t in FS_TYPES}
    for i, e in enumerate(examples):
        parts = e["path"].strip("/").split("/")
        resource = parts[2] if len(parts) > 2 else ""
        value = e["response_json"]
        body = b"" if value is None else shrink(value)
        if body is None:
            continue
        if resource in FS_TYPES:
            t = FS_TYPES.index(resource)
            kind = t if isinstance(value, list) else 8 + t
            if isinstance(value, list):
                rows[resource].extend(value[:3])
        else:
            kind = 16
        total = 1 if isinstance(value, list) else 0
        write("facturascripts_response", f"{resource or 'root'}-{e['status']}-{i}",
              bytes([kind, fs_status(e["status"]), total]) + body)
    # Whole invoices for to_snapshot: invoice ∖xFF lines ∖xFF customer ∖xFF contact.
    for n, inv in enumerate(rows["facturaclientes"][:6]):
        lines = [l for l in rows["lineafacturaclientes"] if l.get("idfactura") == inv.get("idfactura")]
        lines = lines or rows["lineafacturaclientes"][:2]
        if n % 2:
            lines = [dict(l, idfactura=inv.get("idfactura"), idlinearect=1, cantidad=1) for l in lines]
            inv = dict(inv, idfacturarect=99)
        cliente = next((c for c in rows["clientes"] if c.get("codcliente") == inv.get("codcliente")), None)
        cliente = cliente or {"codcliente": inv.get("codcliente") or "C1", "email": "ada@example.com"}
        contacto = rows["contactos"][0] if rows["contactos"] else {"idcontacto": 1}
        body = b"\xff".join(compact(v) for v in (inv, lines, cliente, contacto))
        if len(body) <= 2 * MAX_SEED:
            write("facturascripts_response", f"snapshot-{n}", bytes([17, 0, 0]) + body)
    # Regressions: a credit note whose line quantity is a non-finite number string.
    write("facturascripts_response", "regression-nan-quantity", bytes([17, 0, 0]) + b"\xff".join([
        compact({"idfactura": 6, "codigo": "R1", "codcliente": "C1", "pagada": True, "idfacturarect": 5}),
        compact([{"idlinea": 1, "idfactura": 6, "referencia": "PY", "cantidad": "NaN", "idlinearect": 1}]),
        compact({"codcliente": "C1", "email": "ada@example.com"}), compact({"idcontacto": 1})]))
    write("facturascripts_response", "php-fatal", bytes([16, 0x80 + 12, 0]) +
          b"<br />\n<b>Fatal error</b>: Uncaught Error in /var/www/Core/Model.php:12")
    write("facturascripts_response", "lenient-strings", bytes([9, 0, 0]) + compact(
        {"ok": "x", "data": {"idlinea": "7", "idfactura": " 3 ", "cantidad": "1.5", "referencia": "&lt;b&gt;"}}))


# ---- webhook_verify: flags, offset, id \n timestamp \n signature \n body ---------------------
NOW = 1_795_600_800  # as in fuzz_targets/webhook_verify.rs


def webhook():
    reset("webhook_verify")
    bodies = {p.stem: p.read_bytes() for p in sorted((ROOT / "crates/webhook/schema/examples").glob("*.json"))}
    bodies["hint-compact"] = b'{"type":"invoice.hint","data":{"id":"123"}}'
    bodies["not-json"] = b"id=123&type=invoice.hint"
    bodies["unknown-type"] = b'{"type":"invoice.created","data":{"id":"1"}}'
    key = bytes([0x11] * 32)
    for name, body in bodies.items():
        ts = str(NOW).encode()
        # Signed by the first / second configured secret, by a stranger; fresh, stale, future.
        for flags, offset, label in [(1, 0, "signed"), (2, 0, "rotated"), (3 | 64, 0, "stranger"),
                                     (1 | 4, 30, "fresh"), (1 | 4, 100, "future"), (2 | 4, 0x90, "stale"),
                                     (1 | 128, 20, "small-limit")]:
            write("webhook_verify", f"{name}-{label}",
                  bytes([flags, offset]) + b"msg_2fd1\n" + ts + b"\nv1a,ed25519sig\n" + body)
        # A raw delivery with its correct signature computed here (secret 0x11).
        tag = base64.b64encode(hmac.new(key, b"msg_1." + ts + b"." + body, hashlib.sha256).digest())
        write("webhook_verify", f"{name}-raw", bytes([0, 0]) + b"msg_1\n" + ts + b"\nv1," + tag + b"\n" + body)
    for label, headers in [("garbage", b"\x00\n+1795600800\nv1,!!!\n"), ("spaces", b" id \n 1795600800 \n  \n"),
                           ("leading-zero", b"msg\n01795600800\nv1,AAAA v2,BBBB\n"),
                           ("huge-ts", b"m\n999999999999999999\nv1,\n")]:
        write("webhook_verify", label, bytes([0, 0]) + headers + b"{}")


# ---- config: TOML text ----------------------------------------------------------------------
CONFIG_EXTRA = {
    "minimal": """[[moodle]]
name = "main"
url = "https://lms.example.org"
token = "abc"
[[source]]
kind = "facturascripts"
name = "erp"
url = "https://erp.example.org"
token = "k"
poll_interval = "45s"
[[mapping]]
product = "REF-001"
moodle = "main"
course = "PY101"
duration = "365d"
""",
    "webhook-source": """[server]
admin_token = "0123456789abcdef0123456789abcdef"
[[moodle]]
name = "main"
url = "http://10.0.0.5"
token_file = "moodle-token"
allow_private_network = true
[[source]]
kind = "webhook"
name = "shop"
secret = ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"]
[[mapping]]
product = "PY-101"
moodle = "main"
course = "id:42"
starts = "2026-01-01"
ends = "2026-12-31"
on_revoke = "unenrol"
grace = "14d"
""",
    "sealed": """[secrets]
key_file = "mm.key"
require_sealed = true
[[moodle]]
name = "main"
url = "https://lms.example.org"
token = "enc:v1:1a2b3c4d:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
[[source]]
kind = "facturascripts"
name = "erp"
url = "https://erp.example.org"
token = "enc:v1:zz:abc"
secret = "whsec_short"
""",
    "misspelt-token": """[[moodle]]
name = "main"
url = "https://lms.example.org"
tokn = "s3cr3t-v4lue-0f-th3-t0k3n"
token = 'literal-token-value'
""",
    "syntax-error-on-token-line": """[[moodle]]
name = "main"
token = "s3cr3t-v4lue-0f-th3-t0k3n" x
""",
}


def config():
    reset("config")
    write("config", "example", (ROOT / "config.example.toml").read_bytes())
    for name, text in CONFIG_EXTRA.items():
        write("config", name, text.encode())


if __name__ == "__main__":
    moodle()
    facturascripts()
    webhook()
    config()
    for t in sorted(p.name for p in SEEDS.iterdir() if p.is_dir()):
        files = list((SEEDS / t).iterdir())
        print(f"{t}: {len(files)} seeds, {sum(f.stat().st_size for f in files)} bytes")
