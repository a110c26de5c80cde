"""The OpenAPI 3.1 description of every JSON endpoint, served at GET /api/v1/schema.

Written by hand rather than generated: the views are plain Django functions
and class views (no DRF, no Ninja), and a hand-written document says what the
code does on purpose — error bodies, who may call what — which a generator
would have to guess. `tuyengiao/core/tests/test_openapi.py` keeps it honest:
every URL whose view writes JSON must be described here, and
`test_api_fuzz.py` runs schemathesis against the running application with it.

Sign-in is Django's session cookie; staff must also have passed the second
sign-in step (until then the session counts as anonymous outside the admin,
and admin URLs redirect to that step).
"""

from __future__ import annotations

from copy import deepcopy

from django.conf import settings

from tuyengiao.opinion.periods import Grouping
from tuyengiao.reports.models import ExportFormat, ExportStatus
from tuyengiao.units.models import UnitKind, UnitLevel

SCHEMA_PATH = "/api/v1/schema"

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE = {"type": "string", "format": "date"}
NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}
NULLABLE_ID = {"type": ["integer", "null"]}
VN_DATE_PARAM = {"type": "string", "description": "dd/mm/yyyy, ví dụ 08/07/2022"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _html(description: str) -> dict:
    """Responses Django or Wagtail render as a page (CSRF failure, admin 403/404, an unmatched URL)."""
    return {"description": description, "content": {"text/html": {"schema": {"type": "string"}}}}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _query(name: str, schema: dict, description: str, *, required: bool = False) -> dict:
    return {"name": name, "in": "query", "required": required, "description": description, "schema": schema}


def _object(properties: dict, *, required: list[str] | None = None) -> dict:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
        "additionalProperties": False,
    }


IDLE_STATE = {
    "authenticated": {"const": True},
    "seconds_until_warning": {"type": "number", "minimum": 0},
    "timeout_seconds": {"type": "number", "minimum": 0},
    "countdown_seconds": {"type": "number", "minimum": 0},
    "ping_seconds": {"type": "number", "minimum": 0},
    "keepalive_url": {"type": "string"},
    "end_url": {"type": "string"},
}

ADMIN_REDIRECT = {
    "description": "Chưa đăng nhập, chưa qua bước xác thực hai bước, hoặc không có quyền: chuyển đến trang đăng nhập, "
    "trang nhập mã hoặc trang chủ quản trị.",
    "headers": {"Location": {"schema": {"type": "string"}}},
}

COMPONENTS = {
    "securitySchemes": {
        "session": {
            "type": "apiKey",
            "in": "cookie",
            "name": settings.SESSION_COOKIE_NAME,
            "description": "Phiên đăng nhập Django (cán bộ: đã qua bước xác thực hai bước).",
        }
    },
    "schemas": {
        "Detail": _object({"detail": {"type": "string"}}),
        "Refused": _object({"error": {"type": "string"}}),
        "FormErrors": {
            "type": "object",
            "description": "Lỗi theo tên trường; `__all__` cho lỗi chung.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
        "Health": _object(
            {
                "status": {"enum": ["ok", "error"]},
                "database": {"enum": ["ok", "error"]},
                "redis": {"enum": ["ok", "error", "not_configured"]},
                "worker": {"enum": ["ok", "stale", "absent"]},
                "worker_heartbeat_age_seconds": {"type": ["integer", "null"], "minimum": 0},
                "duration_ms": {"type": "number", "minimum": 0},
            }
        ),
        "SearchResult": _object(
            {
                "id": {"type": "integer"},
                "title": {"type": "string"},
                "url": {"type": "string"},
                "published_at": {"type": "string", "format": "date-time"},
                "snippet": {"type": "string"},
                "title_html": {"type": "string", "description": "Tiêu đề đã thoát HTML, từ khớp trong <mark>."},
                "snippet_html": {"type": "string", "description": "Đoạn trích đã thoát HTML, từ khớp trong <mark>."},
            }
        ),
        "SearchPage": _object(
            {
                "query": {
                    "type": "string",
                    "description": "Từ khóa sau khi chuẩn hóa (ký tự điều khiển thành dấu cách).",
                },
                "page": {"type": "integer", "minimum": 1},
                "pages": {"type": "integer", "minimum": 0},
                "total": {"type": "integer", "minimum": 0},
                "total_capped": {"type": "boolean", "description": "Có khi có kết quả: tổng số đã bị giới hạn."},
                "results": {"type": "array", "items": _ref("SearchResult")},
            },
            required=["query", "page", "pages", "total", "results"],
        ),
        "SearchErrors": _object(
            {
                "query": {"type": "string"},
                "page": {"const": 1},
                "pages": {"const": 0},
                "total": {"const": 0},
                "results": {"type": "array", "maxItems": 0},
                "errors": _ref("FormErrors"),
            }
        ),
        "Unit": _object(
            {
                "id": {"type": "integer"},
                "code": {"type": ["string", "null"]},
                "name": {"type": "string"},
                "short_code": {"type": "string"},
                "kind": {"enum": UnitKind.values},
                "kind_label": {"type": "string"},
                "level": {"enum": UnitLevel.values},
                "level_label": {"type": "string"},
                "depth": {"type": "integer", "minimum": 1},
                "parent_id": NULLABLE_ID,
                "valid_from": NULLABLE_DATE,
                "valid_to": NULLABLE_DATE,
                "successor_id": NULLABLE_ID,
                "split_from_id": NULLABLE_ID,
                "groups": {"type": "array", "items": {"type": "string"}},
            }
        ),
        "UnitPage": _object(
            {
                "count": {"type": "integer", "minimum": 0},
                "page": {"type": "integer", "minimum": 1},
                "pages": {"type": "integer", "minimum": 1},
                "results": {"type": "array", "items": _ref("Unit"), "maxItems": 100},
            }
        ),
        "ViewCount": _object({"id": {"type": "integer"}, "views": {"type": "integer", "minimum": 0}}),
        "SignedOut": _object({"authenticated": {"const": False}}),
        "IdleState": _object(IDLE_STATE),
        "IdleStateWithBanner": _object(
            {**IDLE_STATE, "html": {"type": "string", "description": "Thanh cảnh báo sắp hết phiên (HTML)."}}
        ),
        "OpinionRow": _object(
            {
                "period": DATE,
                "period_label": {"type": "string"},
                "topic": {"type": "string"},
                "agree": {"type": "integer", "minimum": 0},
                "oppose": {"type": "integer", "minimum": 0},
                "concerned": {"type": "integer", "minimum": 0},
                "items": {"type": "integer", "minimum": 0},
                "sources": {"type": "integer", "minimum": 0},
                "records_url": {"type": "string"},
            }
        ),
        "OpinionAggregate": _object(
            {
                "unit": _object({"id": {"type": "integer"}, "name": {"type": "string"}}),
                "start": DATE,
                "end": DATE,
                "grouping": {"enum": Grouping.values},
                "field": {"type": ["string", "null"]},
                "rows": {"type": "array", "items": _ref("OpinionRow")},
                "totals": {
                    "type": "object",
                    "properties": {
                        "agree": {"type": "integer", "minimum": 0},
                        "oppose": {"type": "integer", "minimum": 0},
                        "concerned": {"type": "integer", "minimum": 0},
                        "items": {"type": "integer", "minimum": 0},
                        "sources": {"type": "integer", "minimum": 0},
                    },
                    "required": ["items", "sources"],
                    "additionalProperties": False,
                },
            }
        ),
        "OpinionErrors": _object(
            {
                "errors": {
                    "type": "object",
                    "additionalProperties": {
                        "type": "array",
                        "items": _object({"message": {"type": "string"}, "code": {"type": "string"}}),
                    },
                }
            }
        ),
        "ReportExport": _object(
            {
                "id": {"type": "integer"},
                "report": {"type": "integer"},
                "revision": NULLABLE_ID,
                "format": {"enum": ExportFormat.values},
                "status": {"enum": ExportStatus.values},
                "status_label": {"type": "string"},
                "error": {"type": "string", "description": "Lý do khi không thành công (tiếng Việt)."},
                "filename": {"type": "string", "description": "Rỗng cho đến khi xong."},
                "requested_at": {"type": ["string", "null"], "format": "date-time"},
                "started_at": {"type": ["string", "null"], "format": "date-time"},
                "finished_at": {"type": ["string", "null"], "format": "date-time"},
                "download_url": {"type": ["string", "null"], "description": "Có khi đã xong."},
            }
        ),
        "NextNumber": _object(
            {
                "symbol": {"type": "string", "description": "Số, ký hiệu đề xuất; rỗng khi chưa đề xuất được."},
                "message": {"type": "string"},
            }
        ),
    },
}

SESSION_ENDPOINT_NOTE = (
    "Dùng bởi idle.js. Không cần đăng nhập: phiên không có (hoặc chưa qua xác thực hai bước) trả về "
    '`{"authenticated": false}`.'
)

PATHS = {
    SCHEMA_PATH: {
        "get": {
            "operationId": "openapi_schema",
            "summary": "Tài liệu OpenAPI này",
            "tags": ["meta"],
            "responses": {"200": _json({"type": "object", "required": ["openapi", "paths"]}, "Tài liệu OpenAPI 3.1.")},
        }
    },
    "/healthz": {
        "get": {
            "operationId": "healthz",
            "summary": "Tình trạng cơ sở dữ liệu, Redis và tiến trình nền",
            "tags": ["operations"],
            "responses": {
                "200": _json(_ref("Health"), "Mọi thành phần được cấu hình đều hoạt động."),
                "503": _json(_ref("Health"), "Có thành phần không hoạt động."),
            },
        }
    },
    "/api/v1/search": {
        "get": {
            "operationId": "search_articles",
            "summary": "Tìm bài viết trên cổng của tên miền được gọi",
            "description": "Không phân biệt dấu, hoa thường; mọi chuỗi đều là từ khóa hợp lệ (ký tự điều khiển "
            "thành dấu cách). Trang ngoài khoảng trả về trang gần nhất.",
            "tags": ["portal"],
            "parameters": [
                _query("q", {"type": "string"}, "Từ khóa."),
                _query("page", {"type": "string"}, "Số trang (20 kết quả một trang); giá trị sai là trang 1."),
                _query("category", {"type": "string"}, "Mã (id) chuyên mục trên cổng này."),
                _query("date_from", VN_DATE_PARAM, "Từ ngày đăng."),
                _query("date_to", VN_DATE_PARAM, "Đến ngày đăng."),
            ],
            "responses": {
                "200": _json(_ref("SearchPage"), "Kết quả (rỗng khi không có từ khóa hoặc không có cổng)."),
                "400": _json(_ref("SearchErrors"), "Chuyên mục hoặc ngày không hợp lệ; thông báo tiếng Việt."),
            },
        }
    },
    "/api/v1/units/": {
        "get": {
            "operationId": "list_units",
            "summary": "Các đơn vị người đăng nhập được làm việc",
            "description": "Cán bộ: đơn vị của mình và cấp dưới; quản trị viên: tất cả; người dùng khác: danh sách "
            "rỗng. 100 đơn vị một trang, theo thứ tự cây.",
            "tags": ["units"],
            "security": [{"session": []}],
            "parameters": [
                _query(
                    "q",
                    {"type": "string"},
                    "Một phần tên hoặc ký hiệu, hoặc đúng mã đơn vị; ký tự điều khiển được coi là dấu cách.",
                ),
                _query("active", {"type": "string"}, "`1` hoặc `true`: chỉ đơn vị đang hoạt động."),
                _query("page", {"type": "string"}, "Số trang; giá trị sai là trang 1, quá lớn là trang cuối."),
            ],
            "responses": {
                "200": _json(_ref("UnitPage"), "Một trang đơn vị."),
                "403": _json(_ref("Detail"), "Chưa đăng nhập (hoặc chưa qua bước xác thực hai bước)."),
            },
        }
    },
    "/api/v1/articles/{article_id}/views": {
        "get": {
            "operationId": "article_view_count",
            "summary": "Số lượt xem hiện tại của một bài đang đăng",
            "tags": ["portal"],
            "parameters": [
                {
                    "name": "article_id",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "integer", "minimum": 0},
                }
            ],
            "responses": {
                "200": _json(_ref("ViewCount"), "Số lượt xem."),
                "301": {
                    "description": "Mã không phải số tự nhiên (ví dụ số âm): đường dẫn không thuộc API; trang web "
                    "chuyển sang địa chỉ có dấu / ở cuối, rồi trả về 404.",
                    "headers": {"Location": {"schema": {"type": "string"}}},
                },
                "404": {
                    "description": "Không có bài đang đăng với mã này (JSON), hoặc đường dẫn không hợp lệ (trang 404).",
                    "content": {
                        "application/json": {"schema": _ref("Detail")},
                        "text/html": {"schema": {"type": "string"}},
                    },
                },
            },
        }
    },
    "/tai-khoan/phien/trang-thai/": {
        "get": {
            "operationId": "session_status",
            "summary": "Tình trạng phiên làm việc và thanh cảnh báo sắp hết phiên",
            "description": SESSION_ENDPOINT_NOTE,
            "tags": ["session"],
            "responses": {
                "200": _json(
                    {
                        "oneOf": [
                            _ref("SignedOut"),
                            _ref("IdleStateWithBanner"),
                        ]
                    },
                    "Tình trạng phiên.",
                )
            },
        }
    },
    "/tai-khoan/phien/duy-tri/": {
        "post": {
            "operationId": "session_keepalive",
            "summary": "Bắt đầu lại thời gian chờ của phiên",
            "description": SESSION_ENDPOINT_NOTE + " Cần mã CSRF (tiêu đề X-CSRFToken).",
            "tags": ["session"],
            "responses": {
                "200": _json({"oneOf": [_ref("SignedOut"), _ref("IdleState")]}, "Tình trạng phiên sau khi gia hạn."),
                "403": _html("Thiếu hoặc sai mã CSRF."),
            },
        }
    },
    "/tai-khoan/phien/ket-thuc/": {
        "post": {
            "operationId": "session_end",
            "summary": "Đăng xuất khi hết thời gian đếm ngược",
            "description": SESSION_ENDPOINT_NOTE
            + " Từ chối (trả về tình trạng hiện tại) khi máy chủ vừa thấy hoạt động. Cần mã CSRF.",
            "tags": ["session"],
            "responses": {
                "200": _json({"oneOf": [_ref("SignedOut"), _ref("IdleState")]}, "Đã đăng xuất, hoặc tình trạng phiên."),
                "403": _html("Thiếu hoặc sai mã CSRF."),
            },
        }
    },
    "/admin/opinion/aggregate/": {
        "get": {
            "operationId": "opinion_aggregate",
            "summary": "Tổng hợp dư luận xã hội theo kỳ, chủ đề và xu hướng (JSON khi format=json)",
            "description": "Cùng địa chỉ trả về bảng HTML (không có format) hoặc tệp XLSX (export=xlsx). "
            "Thiếu tham số nào thì dùng mặc định: đơn vị của người dùng, 12 tháng gần nhất, theo tháng.",
            "tags": ["admin"],
            "security": [{"session": []}],
            "parameters": [
                _query("format", {"const": "json"}, "Trả về JSON.", required=True),
                _query("unit", {"type": "string"}, "Mã (id) đơn vị, gồm cả cấp dưới."),
                _query("date_from", VN_DATE_PARAM, "Từ ngày."),
                _query("date_to", VN_DATE_PARAM, "Đến ngày."),
                _query("grouping", {"type": "string"}, " hoặc ".join(Grouping.values) + "; mặc định month."),
                _query("field", {"type": "string"}, "Lĩnh vực; rỗng là tất cả."),
            ],
            "responses": {
                "200": {
                    "description": "Bảng tổng hợp. Không có format=json: trang HTML, hoặc tệp XLSX với export=xlsx.",
                    "content": {
                        "application/json": {"schema": _ref("OpinionAggregate")},
                        "text/html": {"schema": {"type": "string"}},
                        XLSX: {"schema": {"type": "string", "contentEncoding": "binary"}},
                    },
                },
                "302": ADMIN_REDIRECT,
                "400": _json(_ref("OpinionErrors"), "Tham số không hợp lệ; thông báo tiếng Việt."),
                "403": _json(_ref("Refused"), "Đơn vị ngoài quyền của người dùng."),
            },
        }
    },
    "/admin/reports/bao-cao/{pk}/exports/{export_id}/status/": {
        "get": {
            "operationId": "report_export_status",
            "summary": "Tình trạng một lần xuất báo cáo (DOCX, XLSX, PDF) chạy nền",
            "description": "Trang tình trạng xuất tệp hỏi lại địa chỉ này cho đến khi xong hoặc không thành công.",
            "tags": ["admin"],
            "security": [{"session": []}],
            "parameters": [
                {
                    "name": "pk",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "pattern": "^[0-9]+$"},
                    "description": "Mã báo cáo.",
                },
                {"name": "export_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 0}},
            ],
            "responses": {
                "200": _json(_ref("ReportExport"), "Tình trạng lần xuất."),
                "301": {
                    "description": "Mã lần xuất không phải số tự nhiên: đường dẫn không thuộc điểm cuối này.",
                    "headers": {"Location": {"schema": {"type": "string"}}},
                },
                "302": ADMIN_REDIRECT,
                "404": _html("Không có lần xuất này trong các báo cáo người dùng được xem."),
            },
        }
    },
    "/admin/van-ban/so-tiep-theo/": {
        "get": {
            "operationId": "document_next_number",
            "summary": "Số, ký hiệu văn bản tiếp theo cho biểu mẫu văn bản",
            "tags": ["admin"],
            "security": [{"session": []}],
            "parameters": [
                _query("issuer", {"type": "string"}, "Mã (id) cơ quan ban hành."),
                _query("doc_type", {"type": "string"}, "Mã (id) loại văn bản."),
                _query("issued_on", VN_DATE_PARAM, "Ngày ban hành (dd/mm/yyyy hoặc yyyy-mm-dd); mặc định hôm nay."),
                _query("document", {"type": "string"}, "Mã (id) văn bản đang sửa, nếu có."),
            ],
            "responses": {
                "200": _json(_ref("NextNumber"), "Số đề xuất, hoặc lời nhắc chọn đủ thông tin."),
                "302": ADMIN_REDIRECT,
                "403": _html("Không có quyền thêm hoặc sửa văn bản."),
            },
        }
    },
}


def document() -> dict:
    """A fresh copy (callers may not change the module's document)."""
    return deepcopy(
        {
            "openapi": "3.1.0",
            "info": {
                "title": "tuyengiao",
                "version": "1",
                "description": "Các điểm cuối JSON của cổng thông tin và hệ thống nghiệp vụ. Đăng nhập bằng phiên "
                "Django; cán bộ phải qua bước xác thực hai bước.",
            },
            "servers": [{"url": "/"}],
            "paths": PATHS,
            "components": COMPONENTS,
        }
    )
