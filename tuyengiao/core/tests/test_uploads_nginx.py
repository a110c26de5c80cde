"""deploy/nginx/tuyengiao.conf itself serving /media/: nothing uploaded can run or be sniffed into HTML.

Runs the production file with ports and folders swapped for the test (nginx on 127.0.0.1:8311,
plain HTTP). Skipped when nginx is not installed.
"""

from __future__ import annotations

import http.client
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from django.conf import settings

from . import upload_files as files

NGINX_PORT, REFRESH_PORT, PLAIN_PORT, APP_PORT = 8311, 8312, 8313, 8314
DEPLOY_CONF = Path(settings.BASE_DIR) / "deploy" / "nginx" / "tuyengiao.conf"
FILE_POLICY = "sandbox; default-src 'none'"


def nginx_config(tmp: Path) -> str:
    conf = DEPLOY_CONF.read_text()
    for old, new in [
        ("/var/cache/nginx/tuyengiao", f"{tmp}/cache"),
        ("/var/log/nginx/", f"{tmp}/"),
        ("/srv/tuyengiao/var/media/", f"{tmp}/media/"),
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{APP_PORT};"),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{NGINX_PORT};"),
        ("listen 127.0.0.1:8081;", f"listen 127.0.0.1:{REFRESH_PORT};"),
        ("    listen 80;\n", f"    listen 127.0.0.1:{PLAIN_PORT};\n"),
    ]:
        assert old in conf, old
        conf = conf.replace(old, new)
    conf = re.sub(r"\n\s*listen (\[::\]:80|\[::\]:443 ssl http2);", "", conf)
    conf = re.sub(r"\n\s*ssl_[^\n]*", "", conf)
    temp = " ".join(f"{name}_temp_path {tmp}/{name};" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return (
        f"pid {tmp}/nginx.pid;\nerror_log {tmp}/error.log warn;\nworker_processes 1;\ndaemon off;\n"
        f"events {{ worker_connections 16; }}\nhttp {{\ninclude /etc/nginx/mime.types;\n{temp}\n{conf}\n}}\n"
    )


@pytest.fixture
def nginx():
    if not shutil.which("nginx") or not Path("/etc/nginx/mime.types").exists():
        pytest.skip("nginx is not installed")
    tmp = Path(tempfile.mkdtemp(prefix="tg-uploads-nginx-"))
    tmp.chmod(0o755)  # nginx's workers run as another user
    (tmp / "media" / "original_images").mkdir(parents=True)
    (tmp / "media" / "documents").mkdir()
    (tmp / "media" / "original_images" / "anh.png").write_bytes(files.png())
    (tmp / "media" / "original_images" / "cu.svg").write_bytes(files.svg_with_script())
    (tmp / "media" / "original_images" / "trang.html").write_bytes(files.html())
    (tmp / "media" / "documents" / "noi-bo.pdf").write_bytes(files.pdf())
    for path in (tmp / "media").rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    (tmp / "media").chmod(0o755)
    (tmp / "nginx.conf").write_text(nginx_config(tmp))
    process = subprocess.Popen(
        ["nginx", "-p", str(tmp), "-e", str(tmp / "error.log"), "-c", str(tmp / "nginx.conf")],
        start_new_session=True,
    )
    deadline = time.monotonic() + 20
    while not (tmp / "nginx.pid").exists():
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError((tmp / "error.log").read_text() if (tmp / "error.log").exists() else "nginx failed")
        time.sleep(0.05)
    yield
    process.terminate()
    process.wait(timeout=20)
    shutil.rmtree(tmp, ignore_errors=True)


def get(path: str):
    connection = http.client.HTTPConnection("127.0.0.1", NGINX_PORT, timeout=10)
    connection.request("GET", path, headers={"Host": "tuyengiao.example.vn"})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def test_nginx_serves_images_sandboxed_and_everything_else_as_a_download(nginx):
    image = get("/media/original_images/anh.png")
    svg = get("/media/original_images/cu.svg")
    page = get("/media/original_images/trang.html")

    assert image.status == 200 and image.getheader("Content-Type") == "image/png"
    assert image.getheader("Content-Security-Policy") == FILE_POLICY
    assert image.getheader("X-Content-Type-Options") == "nosniff"
    assert image.getheader("Content-Disposition") is None
    for response in (svg, page):
        assert response.status == 200
        assert response.getheader("Content-Type") == "application/octet-stream"
        assert response.getheader("Content-Disposition") == "attachment"
        assert response.getheader("Content-Security-Policy") == FILE_POLICY
        assert response.getheader("X-Content-Type-Options") == "nosniff"
        assert response.getheader("Strict-Transport-Security") == "max-age=31536000"
    assert get("/media/documents/noi-bo.pdf").status == 404
