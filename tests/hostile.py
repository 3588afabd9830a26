"""Hostile files made on the spot, each small on disk: what a folder downloaded from anywhere may hold.

Reference loops, a stream bomb, a huge ruled page, a deep page tree (PDF); a .docx whose zip directory
understates its sizes; a page with a very large table.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
TEXT = b"BT /F1 12 Tf 72 720 Td (Annual report 2021) Tj ET"
RESOURCES = b"<< /Font << /F1 4 0 R >> >>"


def pdf(objects: list[bytes]) -> bytes:
    """A PDF of the given object bodies (object 1 the catalog), with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def page(box: bytes = b"[0 0 612 792]", resources: bytes = RESOURCES) -> bytes:
    return b"<< /Type /Page /Parent 2 0 R /MediaBox %s /Contents 3 0 R /Resources %s >>" % (box, resources)


def loop_pdf() -> bytes:
    """A page whose resources are an object that is a reference to itself: pdfminer resolves it forever."""
    return pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
            stream(TEXT),
            FONT,
            page(resources=b"6 0 R"),
            b"6 0 R",
        ]
    )


def bomb_pdf(gigabytes: int = 1, hex: bool = False) -> bytes:
    """A page whose content stream (spaces) inflates to `gigabytes` GB from about 1 MB.

    `hex`: the deflated bytes written again as hexadecimal (ASCIIHexDecode first, then FlateDecode).
    """
    chunk = b" " * (1 << 20)
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = deflate.compress(chunk) + deflate.flush(zlib.Z_FULL_FLUSH)  # the same bytes for every chunk
    end = deflate.flush()
    check = 1
    count = 1024 * gigabytes
    for _ in range(count):
        check = zlib.adler32(chunk, check)
    data = b"\x78\xda" + block * count + end + struct.pack(">I", check)
    filters = b"/Filter /FlateDecode "
    if hex:
        data, filters = data.hex().encode() + b">", b"/Filter [/ASCIIHexDecode /FlateDecode] "
    return pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
            stream(data, filters),
            FONT,
            page(),
        ]
    )


def grid_pdf(lines: int = 1_500, pages: int = 1) -> bytes:
    """A huge page ruled into a lines × lines grid, with a line of text (`pages` times)."""
    step = 9
    size = lines * step + 72
    ops = [TEXT, b"0.1 w"]
    for k in range(lines + 1):
        at = 36 + k * step
        ops.append(b"36 %d m %d %d l S" % (at, size - 36, at))
        ops.append(b"%d 36 m %d %d l S" % (at, at, size - 36))
    kids = b" ".join(b"%d 0 R" % (5 + k) for k in range(pages))
    return pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
            stream(b"\n".join(ops)),
            FONT,
            *[page(box=b"[0 0 %d %d]" % (size, size))] * pages,
        ]
    )


def deep_pdf(levels: int = 20_000) -> bytes:
    """A page tree nested `levels` deep: each Pages node holds the next."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>", stream(TEXT), FONT]
    first = 5
    for k in range(levels):
        n = first + k
        objects.append(b"<< /Type /Pages /Parent %d 0 R /Kids [%d 0 R] /Count 1 >>" % (n - 1 if k else 2, n + 1))
    last = first + levels
    objects.append(
        b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Contents 3 0 R /Resources %s >>"
        % (last - 1, RESOURCES)
    )
    return pdf(objects)


def lying_docx(good: bytes, megabytes: int = 1_500) -> bytes:
    """A real .docx whose word/document.xml inflates to `megabytes` MB while the zip's directory says 2 KB."""
    with zipfile.ZipFile(io.BytesIO(good)) as z:
        members = {n: z.read(n) for n in z.namelist()}
    head = members["word/document.xml"].split(b"<w:body>")[0] + b"<w:body>"
    filler = b"<w:p><w:r><w:t>x</w:t></w:r></w:p>" * 30_000  # ~1 MB
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = deflate.compress(filler) + deflate.flush(zlib.Z_FULL_FLUSH)
    body = deflate.compress(head) + deflate.flush(zlib.Z_FULL_FLUSH) + block * megabytes + deflate.flush()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            if name != "word/document.xml":
                z.writestr(name, data)
    rest = out.getvalue()
    # the rewritten archive: the other members, then document.xml by hand (stated sizes: 2 KB, crc 0)
    with zipfile.ZipFile(io.BytesIO(rest)) as z:
        infos = z.infolist()
        start = z.start_dir
    local = rest[:start]
    central = rest[start:]
    central = central[: central.rfind(b"PK\x05\x06")]
    name = b"word/document.xml"
    offset = len(local)
    stated = 2048
    local += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, 0, len(body), stated, len(name), 0)
    local += name + body
    central += struct.pack(
        "<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, 0, len(body), stated, len(name), 0, 0, 0, 0, 0, offset
    )
    central += name
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(infos) + 1, len(infos) + 1, len(central), len(local), 0)
    return local + central + end


def big_table_html(megabytes: int = 19) -> bytes:
    """A report-like page whose one table runs to `megabytes` MB."""
    row = "<tr><td>（一）收到申请数</td><td>1</td><td>2</td><td>3</td><td>4</td></tr>\n"
    rows = (megabytes << 20) // len(row.encode())
    text = "<html><head><title>2021年政府信息公开工作年度报告</title></head><body><table>" + row * rows
    return (text + "</table></body></html>").encode()
