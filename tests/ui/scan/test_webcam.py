"""The webcam fallback: QR codes read from frames off the GUI thread, one at a time."""

from __future__ import annotations

import io
from typing import Any

import qrcode

from checkin.ui.qt import QImage
from checkin.ui.scan.webcam import FrameDecoder, WebcamDialog, decode_image


def qr_frame(text: str, size: int = 640) -> QImage:
    """A camera-like frame: a QR code on a grey background, off-centre."""
    from PIL import Image

    code = qrcode.make(text, box_size=8, border=4).get_image().convert("RGB")
    frame = Image.new("RGB", (size, size * 3 // 4), (120, 120, 120))
    frame.paste(code, (40, 30))
    buffer = io.BytesIO()
    frame.save(buffer, format="PNG")
    image = QImage()
    assert image.loadFromData(buffer.getvalue())
    return image


def test_decode_image_reads_a_qr_code() -> None:
    assert (
        decode_image(qr_frame("https://x.example/billet/AICT26-7K3M9Q2X"))
        == "https://x.example/billet/AICT26-7K3M9Q2X"
    )
    blank = QImage(320, 240, QImage.Format.Format_RGB32)
    blank.fill(0xFFFFFF)
    assert decode_image(blank) is None


def test_frames_are_decoded_one_at_a_time_and_each_code_said_once(qtbot: Any) -> None:
    now = [100.0]
    decoder = FrameDecoder(clock=lambda: now[0])
    frame = qr_frame("AICT26-7K3M9Q2X")
    with qtbot.waitSignal(decoder.decoded, timeout=5000) as blocker:
        assert decoder.submit(frame) is True
        assert decoder.submit(frame) is False  # busy: the preview keeps going, the frame is dropped
    assert blocker.args == ["AICT26-7K3M9Q2X"]
    assert decoder.dropped == 1
    # The same code still in front of the camera a second later is not a new scan.
    with qtbot.assertNotEmitted(decoder.decoded, wait=300):
        decoder.submit(frame)
        qtbot.waitUntil(lambda: not decoder.busy, timeout=5000)
    now[0] += 5
    with qtbot.waitSignal(decoder.decoded, timeout=5000):
        decoder.submit(frame)


def test_dialog_without_a_camera_says_so_and_still_decodes_frames(qtbot: Any) -> None:
    dialog = WebcamDialog()
    qtbot.addWidget(dialog)
    if not dialog.available:
        assert "Aucune caméra" in dialog.preview.text()
    with qtbot.waitSignal(dialog.scanned, timeout=5000) as blocker:
        dialog.on_image(qr_frame("AICT26-YPAGKWKQ"))
    assert blocker.args == ["AICT26-YPAGKWKQ"]


def test_f3_reads_a_ticket_with_the_camera_and_admits(desk: Any, qtbot: Any, codes: dict[str, str]) -> None:
    w = desk.window
    w.scan.open_webcam()
    dialog = w.frame.dialog
    assert isinstance(dialog, WebcamDialog)
    with qtbot.waitSignal(w.answer_shown, timeout=5000) as got:
        dialog.on_image(qr_frame(f"https://inscriptions.example.org/billet/{codes['both_days']}"))
    assert got.args[0].outcome == "admitted"
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=2000)
