"""The shared examples (../shared/vi-search-examples.json) through the import command and the JSON endpoint."""

import json
import unicodedata
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

EXAMPLES = json.loads((Path(settings.BASE_DIR).parent / "shared" / "vi-search-examples.json").read_text("utf-8"))
FIRST_ID = 5000


@pytest.fixture
def example_ids(category, tmp_path):
    """Import the example documents; map example id → page id."""
    lines, ids = [], {}
    for number, doc in enumerate(EXAMPLES["documents"]):
        ids[doc["id"]] = FIRST_ID + number
        line = {
            "id": FIRST_ID + number,
            "title": unicodedata.normalize(doc.get("title_form", "NFC"), doc["title"]),
            "lead": "",
            "body": f"<p>{doc['body']}</p>",
            "published_at": f"2024-03-{number + 1:02d}T08:00:00+07:00",
            "byline": "Tin: Ban Tuyên giáo",
            "tags": [],
        }
        lines.append(json.dumps(line, ensure_ascii=False))
    path = tmp_path / "examples.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    call_command("import_articles", str(path), stdout=StringIO(), stderr=StringIO())
    return ids


@pytest.mark.parametrize("example", EXAMPLES["queries"], ids=[q["id"] for q in EXAMPLES["queries"]])
def test_example_query(client, example_ids, example):
    response = client.get("/api/v1/search", {"q": example["q"]})

    assert response.status_code == 200
    data = response.json()
    found = {result["id"] for result in data["results"]}
    assert found == {example_ids[doc_id] for doc_id in example["expected"]}, example["note"]
    assert data["total"] == len(example["expected"])
    for result in data["results"]:
        assert "<mark>" in result["title_html"] + result["snippet_html"]
