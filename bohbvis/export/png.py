"""PNG pages: the exported PDF rasterized by pdfium (the same pages, pixel for pixel).

WeasyPrint lost its own PNG output in v53; rasterizing its PDF keeps one layout for both
formats, so a PNG never shows something the PDF does not.
"""

from __future__ import annotations

import io

# WeasyPrint's CSS px is 0.75 pt; pdfium's scale counts pixels per pt.
PX_PER_PT = 96 / 72


def rasterize(pdf: bytes, scale: float = 1.0, on_page=None) -> list[bytes]:
    """One PNG per PDF page; scale 1 draws a 1280×720 px slide page at 1280×720 pixels."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        out = []
        for i in range(len(doc)):
            page = doc[i]
            bitmap = page.render(scale=scale * PX_PER_PT, draw_annots=False)
            buf = io.BytesIO()
            # No text chunks or times: PIL writes the same bytes for the same pixels.
            bitmap.to_pil().save(buf, format="PNG", optimize=False, compress_level=6)
            out.append(buf.getvalue())
            page.close()
            if on_page is not None:
                on_page()
        return out
    finally:
        doc.close()
