"""The webcam fallback: a live preview with a target frame, QR codes decoded off the GUI thread.

Only for a desk whose scanner is gone: a laptop camera is slow and fussy with phone
screens. Frames arrive on the GUI thread (``QVideoSink``); at most one frame is being
decoded at a time (zxing-cpp on the thread pool) and the others are dropped, so the
preview never stutters. A decoded text goes through the same path as a scanner burst.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import zxingcpp

from checkin.base.i18n import _
from checkin.ui import tasks
from checkin.ui.qt import (
    QColor,
    QDialog,
    QImage,
    QLabel,
    QObject,
    QPainter,
    QPen,
    QPixmap,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
    camera_classes,
)

log = logging.getLogger(__name__)

# The same code held in front of the camera is read many times a second.
REPEAT_SECONDS = 3.0


def decode_image(image: QImage) -> str | None:
    """The text of the first QR code in ``image`` (any thread: no widget involved)."""
    gray = image.convertToFormat(QImage.Format.Format_Grayscale8)
    width, height, stride = gray.width(), gray.height(), gray.bytesPerLine()
    data = bytes(gray.constBits())[: stride * height]
    rows = b"".join(data[y * stride : y * stride + width] for y in range(height)) if stride != width else data
    from PIL import Image

    pil = Image.frombytes("L", (width, height), rows)
    for found in zxingcpp.read_barcodes(
        pil, formats=zxingcpp.BarcodeFormats([zxingcpp.BarcodeFormat.QRCode])
    ):
        if found.valid and found.text:
            return str(found.text)
    return None


class FrameDecoder(QObject):
    """Takes frames as they come; decodes one at a time; says each new code once."""

    decoded = Signal(str)

    def __init__(self, parent: QObject | None = None, clock: Any = time.monotonic) -> None:
        super().__init__(parent)
        self._busy = False
        self._clock = clock
        self._last: tuple[str, float] | None = None
        self.dropped = 0

    @property
    def busy(self) -> bool:
        return self._busy

    def submit(self, image: QImage) -> bool:
        """Queue a frame for decoding; ``False`` when one is already being decoded."""
        if self._busy or image.isNull():
            self.dropped += 1
            return False
        self._busy = True
        frame = image.copy()  # the camera reuses its buffers
        tasks.run(lambda: decode_image(frame), self._done, self._failed)
        return True

    def _done(self, text: str | None) -> None:
        self._busy = False
        if not text:
            return
        now = self._clock()
        if self._last and self._last[0] == text and now - self._last[1] < REPEAT_SECONDS:
            return
        self._last = (text, now)
        self.decoded.emit(text)

    def _failed(self, exc: BaseException) -> None:
        self._busy = False
        log.warning("webcam frame could not be decoded: %s", exc)


class Preview(QLabel):
    """The camera image with a target frame drawn over it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(480, 360)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setStyleSheet("background: #111111; color: #FFFFFF; font-size: 18pt;")

    def show_frame(self, image: QImage) -> None:
        pixmap = QPixmap.fromImage(image).scaled(
            self.size(), Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.FastTransformation
        )
        painter = QPainter(pixmap)
        pen = QPen(QColor("#F1C40F"))
        pen.setWidth(6)
        painter.setPen(pen)
        side = int(min(pixmap.width(), pixmap.height()) * 0.6)
        painter.drawRect((pixmap.width() - side) // 2, (pixmap.height() - side) // 2, side, side)
        painter.end()
        self.setPixmap(pixmap)


class WebcamDialog(QDialog):
    """F3: read a QR code with the laptop's camera when the scanner is gone."""

    scanned = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Lecture par la caméra"))
        self.setAccessibleName(_("Lecture par la caméra"))
        layout = QVBoxLayout(self)
        self.hint = QLabel(_("Présentez le code QR dans le cadre jaune."))
        self.hint.setStyleSheet("font-size: 16pt;")
        self.preview = Preview(self)
        close = QPushButton(_("Fermer (Échap)"))
        close.clicked.connect(self.reject)
        layout.addWidget(self.hint)
        layout.addWidget(self.preview, 1)
        layout.addWidget(close)
        self.decoder = FrameDecoder(self)
        self.decoder.decoded.connect(self._on_decoded)
        self._camera: Any = None
        self._session: Any = None
        self._sink: Any = None
        self.available = self._start_camera()
        if not self.available:
            self.preview.setText(_("Aucune caméra détectée sur cet ordinateur."))

    def _start_camera(self) -> bool:
        QCamera, QMediaCaptureSession, QMediaDevices, QVideoSink = camera_classes()  # noqa: N806
        inputs = QMediaDevices.videoInputs()
        if not inputs:
            return False
        self._camera = QCamera(inputs[0], self)
        self._session = QMediaCaptureSession(self)
        self._sink = QVideoSink(self)
        self._session.setCamera(self._camera)
        self._session.setVideoSink(self._sink)
        self._sink.videoFrameChanged.connect(self._on_frame)
        self._camera.errorOccurred.connect(self._on_error)
        self._camera.start()
        return True

    def _on_frame(self, frame: Any) -> None:
        image = frame.toImage()
        self.on_image(image)

    def on_image(self, image: QImage) -> None:
        """One camera frame (tests feed images here)."""
        if image.isNull():
            return
        self.preview.show_frame(image)
        self.decoder.submit(image)

    def _on_error(self, *_args: Any) -> None:
        self.preview.setText(_("La caméra ne répond pas : fermez et rouvrez cette fenêtre."))

    def _on_decoded(self, text: str) -> None:
        self.scanned.emit(text)
        self.accept()

    def done(self, result: int) -> None:
        if self._camera is not None:
            self._camera.stop()
        super().done(result)
