"""Small OneRoster 1.1 CSV exports, made as zips in memory for the tests."""

from __future__ import annotations

import csv
import io
import zipfile

COLUMNS = {
    "orgs": [
        "sourcedId",
        "status",
        "dateLastModified",
        "name",
        "type",
        "identifier",
        "parentSourcedId",
    ],
    "academicSessions": [
        "sourcedId",
        "status",
        "dateLastModified",
        "title",
        "type",
        "startDate",
        "endDate",
        "parentSourcedId",
        "schoolYear",
    ],
    "classes": [
        "sourcedId",
        "status",
        "dateLastModified",
        "title",
        "grades",
        "courseSourcedId",
        "classCode",
        "classType",
        "location",
        "schoolSourcedId",
        "termSourcedIds",
        "subjects",
        "subjectCodes",
        "periods",
    ],
    "users": [
        "sourcedId",
        "status",
        "dateLastModified",
        "enabledUser",
        "orgSourcedIds",
        "role",
        "username",
        "userIds",
        "givenName",
        "familyName",
        "middleName",
        "identifier",
        "email",
        "sms",
        "phone",
        "agentSourcedIds",
        "grades",
        "password",
    ],
    "enrollments": [
        "sourcedId",
        "status",
        "dateLastModified",
        "classSourcedId",
        "schoolSourcedId",
        "userSourcedId",
        "role",
        "primary",
        "beginDate",
        "endDate",
    ],
}


def org(sid="org-1", name="Hillside High", **over):
    return {"sourcedId": sid, "name": name, "type": "school", **over}


def session(sid="term-1", title="Term 1", year=2027, **over):
    return {
        "sourcedId": sid,
        "title": title,
        "type": "term",
        "startDate": f"{year}-01-27",
        "endDate": f"{year}-04-04",
        "schoolYear": str(year),
        **over,
    }


def klass(sid, title, terms="term-1", **over):
    return {
        "sourcedId": sid,
        "title": title,
        "courseSourcedId": "course-hist",
        "classType": "scheduled",
        "schoolSourcedId": "org-1",
        "termSourcedIds": terms,
        **over,
    }


def user(sid, given, family, role="student", email=None, **over):
    username = f"{given}.{family}".lower()
    return {
        "sourcedId": sid,
        "enabledUser": "true",
        "orgSourcedIds": "org-1",
        "role": role,
        "username": username,
        "givenName": given,
        "familyName": family,
        "email": email if email is not None else f"{username}@hillside.example",
        **over,
    }


def enrolment(sid, class_sid, user_sid, role="student", **over):
    return {
        "sourcedId": sid,
        "classSourcedId": class_sid,
        "schoolSourcedId": "org-1",
        "userSourcedId": user_sid,
        "role": role,
        "primary": "false",
        **over,
    }


def school(students: int = 3) -> dict[str, list[dict]]:
    """One school, one term, two classes, a teacher of both, ``students`` students in each."""
    users = [user("t-1", "Tess", "Hill", role="teacher")]
    enrolments = [
        enrolment("e-t1-a", "c-a", "t-1", role="teacher"),
        enrolment("e-t1-b", "c-b", "t-1", role="teacher"),
    ]
    for n in range(students):
        users.append(user(f"s-{n}", f"Stu{n}", "Dent"))
        enrolments.append(enrolment(f"e-{n}-a", "c-a", f"s-{n}"))
        enrolments.append(enrolment(f"e-{n}-b", "c-b", f"s-{n}"))
    return {
        "orgs": [org()],
        "academicSessions": [session()],
        "classes": [klass("c-a", "12 History A"), klass("c-b", "12 History B")],
        "users": users,
        "enrollments": enrolments,
    }


MANIFEST = [
    ("manifest.version", "1.0"),
    ("oneroster.version", "1.1"),
    ("file.academicSessions", "bulk"),
    ("file.categories", "absent"),
    ("file.classes", "bulk"),
    ("file.classResources", "absent"),
    ("file.courses", "absent"),
    ("file.courseResources", "absent"),
    ("file.demographics", "absent"),
    ("file.enrollments", "bulk"),
    ("file.lineItems", "absent"),
    ("file.orgs", "bulk"),
    ("file.resources", "absent"),
    ("file.results", "absent"),
    ("file.users", "bulk"),
]


def csv_text(columns: list[str], rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({name: row.get(name, "") for name in columns})
    return out.getvalue()


def export_zip(data: dict[str, list[dict]], *, manifest=MANIFEST, omit=(), raw=None) -> bytes:
    """The export as a zip's bytes; ``raw`` replaces a file's text outright."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        files = {
            "manifest": csv_text(
                ["propertyName", "value"], [{"propertyName": k, "value": v} for k, v in manifest]
            )
        }
        for name, columns in COLUMNS.items():
            files[name] = csv_text(columns, data.get(name, []))
        files.update(raw or {})
        for name, text in files.items():
            if name not in omit:
                archive.writestr(f"{name}.csv", text)
    return buffer.getvalue()
