"""The OpenAPI 3.1 document of the API, served at /api/v1/openapi.json and checked against the
implementation by tests/web/api (schemathesis). Kept next to the views: a change to one
without the other fails those tests."""

from __future__ import annotations

from typing import Any

from portal.services.inbox import MAX_MESSAGE, STATUSES

UUID = {"type": "string", "format": "uuid",
        "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"}
TIME = {"type": "string", "format": "date-time"}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _errors(*codes: int) -> dict[str, Any]:
    text = {400: "Ungültige Anfrage", 401: "Kein oder ungültiges Token",
            404: "Unbekannt, nicht bereit oder einer anderen Abteilung",
            409: "Im aktuellen Zustand nicht möglich", 415: "Kein JSON",
            422: "Ungültige Angaben"}
    return {str(c): {"description": text[c],
                     "content": {"application/json": {"schema": _ref("Error")}}} for c in codes}


def _file(media: str, what: str) -> dict[str, Any]:
    return {"200": {"description": what, "content": {media: {"schema": {
        "type": "string", "contentMediaType": media}}}}}


ID_PARAM = {"name": "submission_id", "in": "path", "required": True, "schema": UUID}
JSON_OBJECT = {"type": "object"}
SUMMARY = {
    "type": "object",
    "required": ["id", "reference", "serviceId", "serviceVersion", "department", "status",
                 "submittedAt", "receivedAt", "links"],
    "properties": {
        "id": UUID, "reference": {"type": "string"}, "serviceId": {"type": "string"},
        "serviceVersion": {"type": "string"}, "department": {"type": "string"},
        "status": {"type": "string", "enum": [*STATUSES, "failed"]},
        "submittedAt": TIME, "receivedAt": {"type": ["string", "null"], "format": "date-time"},
        "links": {"type": "object", "additionalProperties": {"type": "string"}},
    },
}
HISTORY = {"type": "array", "items": {"type": "object", "required": ["status", "at"],
                                      "properties": {"status": {"type": "string"}, "at": TIME}}}
DETAIL = {"allOf": [_ref("SubmissionSummary"), {
    "type": "object",
    "required": ["answers", "fee", "notices", "attachments", "history", "messages"],
    "properties": {
        "answers": JSON_OBJECT, "fee": JSON_OBJECT, "notices": {"type": "array"},
        "channel": {"type": "string"}, "authMethod": {"type": "string"},
        "trustLevel": {"type": "integer", "minimum": 1, "maximum": 4},
        "attachments": {"type": "array", "items": {
            "type": "object", "required": ["id", "name", "contentType", "size", "sha256", "link"],
            "properties": {"id": UUID, "name": {"type": "string"},
                           "contentType": {"type": "string"}, "size": {"type": "integer"},
                           "sha256": {"type": "string"}, "link": {"type": "string"}}}},
        "history": HISTORY,
        "messages": {"type": "array", "items": {"type": "object", "properties": {
            "at": TIME, "text": {"type": "string"}}}},
    }}]}


def document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Online-Dienste – Schnittstelle für Fachverfahren",
            "version": "1.0.0",
            "description": (
                "Abruf eingegangener Anträge durch die Fachverfahren einer Abteilung. Jeder "
                "Client sieht nur die Anträge seiner Abteilung. Neue Anträge bleiben neu, bis "
                "der Client den Empfang bestätigt (POST …/receipt); nichts verfällt ungelesen. "
                "Listen sind nach Eingang sortiert und werden mit `nextCursor` geblättert."),
        },
        "servers": [{"url": "/"}],
        "security": [{"bearerAuth": []}],
        "paths": {
            "/api/v1/openapi.json": {"get": {
                "operationId": "openapi", "security": [], "summary": "Dieses Dokument",
                "responses": {"200": {"description": "OpenAPI 3.1",
                                      "content": {"application/json": {"schema": JSON_OBJECT}}}}}},
            "/api/v1/submissions": {"get": {
                "operationId": "listSubmissions", "summary": "Anträge der Abteilung",
                "parameters": [
                    {"name": "new", "in": "query", "schema": {"type": "string",
                                                              "enum": ["true", "false"]},
                     "description": "true (Standard): nur noch nicht bestätigte Anträge"},
                    {"name": "limit", "in": "query",
                     "schema": {"type": "integer", "minimum": 1, "maximum": 200}},
                    {"name": "cursor", "in": "query", "schema": {"type": "string"}},
                ],
                "responses": {"200": {"description": "Eine Seite", "content": {
                    "application/json": {"schema": _ref("SubmissionList")}}},
                    **_errors(400, 401)}}},
            "/api/v1/submissions/{submission_id}": {"get": {
                "operationId": "getSubmission", "summary": "Antragsdaten",
                "parameters": [ID_PARAM],
                "responses": {"200": {"description": "Der Antrag", "content": {
                    "application/json": {"schema": _ref("SubmissionDetail")}}},
                    **_errors(401, 404)}}},
            "/api/v1/submissions/{submission_id}/xml": {"get": {
                "operationId": "getSubmissionXml", "summary": "XÖV-Nachricht",
                "parameters": [ID_PARAM],
                "responses": {**_file("application/xml", "Die XÖV-Nachricht"),
                              **_errors(401, 404)}}},
            "/api/v1/submissions/{submission_id}/pdf": {"get": {
                "operationId": "getSubmissionPdf", "summary": "Gesiegeltes PDF/A",
                "parameters": [ID_PARAM],
                "responses": {**_file("application/pdf", "Das gesiegelte Dokument"),
                              **_errors(401, 404)}}},
            "/api/v1/submissions/{submission_id}/attachments/{attachment_id}": {"get": {
                "operationId": "getAttachment", "summary": "Eine Anlage",
                "parameters": [ID_PARAM, {"name": "attachment_id", "in": "path",
                                          "required": True, "schema": UUID}],
                # The types citizens may upload (portal.services.uploads).
                "responses": {"200": {"description": "Die Datei", "content": {
                    media: {"schema": {"type": "string", "contentMediaType": media}}
                    for media in ("application/pdf", "image/jpeg", "image/png")}},
                    **_errors(401, 404)}}},
            "/api/v1/submissions/{submission_id}/receipt": {"post": {
                "operationId": "acknowledge", "summary": "Empfang bestätigen (idempotent)",
                "parameters": [ID_PARAM],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "additionalProperties": False, "properties": {
                        "externalId": {"type": "string", "minLength": 1, "maxLength": 120,
                                       "pattern": "^[^\\x00]*$"}}}}}},
                "responses": {
                    "201": {"description": "Bestätigt", "content": {
                        "application/json": {"schema": _ref("Receipt")}}},
                    "200": {"description": "War schon bestätigt", "content": {
                        "application/json": {"schema": _ref("Receipt")}}},
                    **_errors(400, 401, 404, 415, 422)}}},
            "/api/v1/submissions/{submission_id}/status": {"post": {
                "operationId": "changeStatus",
                "summary": "Bearbeitungsstand ändern, optional mit Nachricht an die Person",
                "parameters": [ID_PARAM],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "additionalProperties": False, "required": ["status"],
                    "properties": {
                        "status": {"type": "string", "enum": list(STATUSES)},
                        "message": {"type": "string", "minLength": 1, "maxLength": MAX_MESSAGE,
                                    "pattern": "^[^\\x00]*\\S[^\\x00]*$"}}}}}},
                "responses": {"200": {"description": "Neuer Stand", "content": {
                    "application/json": {"schema": _ref("StatusResult")}}},
                    **_errors(400, 401, 404, 409, 415, 422)}}},
        },
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer",
                                               "description": "Token des Fachverfahrens"}},
            "schemas": {
                "Error": {"type": "object", "required": ["error", "message"], "properties": {
                    "error": {"type": "string"}, "message": {"type": "string"}}},
                "SubmissionSummary": SUMMARY,
                "SubmissionList": {"type": "object", "required": ["items", "nextCursor"],
                                   "properties": {"items": {"type": "array",
                                                            "items": _ref("SubmissionSummary")},
                                                  "nextCursor": {"type": ["string", "null"]}}},
                "SubmissionDetail": DETAIL,
                "Receipt": {"type": "object", "required": ["submissionId", "receivedAt"],
                            "properties": {"submissionId": UUID, "receivedAt": TIME,
                                           "externalId": {"type": ["string", "null"]}}},
                "StatusResult": {"type": "object", "required": ["submissionId", "status",
                                                                "history"],
                                 "properties": {"submissionId": UUID,
                                                "status": {"type": "string"},
                                                "history": HISTORY}},
            },
        },
    }
