"""The OCR models: PP-OCRv4 detection and recognition, as shipped inside `rapidocr-onnxruntime`.

The models come with the wheel, so nothing is downloaded at run time. We run
them on onnxruntime ourselves rather than through `RapidOCR()` because an
honest importer needs more than a line's mean score: the recognition output
gives every character's probability and its runner-up, so a figure carries
the confidence of its least sure digit and the one other reading the rules
may choose. Loaded once per process (`engine()`), one thread per session: the
import pool runs one page per core.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

EXTRA = "pip install 'gongkai[ocr]'"
MISSING = "图片版，未安装识别组件"  # the audit's status for an image-only file without the extra
REC_HEIGHT = 48  # the recognition model's input height
MIN_RATIO = 4.0  # narrowest input, width / height: a lone digit padded to 320 px costs five times as much
DET_SCALE = 0.5  # pages are detected at half the scan's resolution: lines of text stay 12–18 px tall


TWINS = {"o": "0", "O": "0", "〇": "0", "○": "0", "l": "1", "I": "1", "|": "1"}  # one shape in a figure
FIGURE_MARKS = "0123456789.,-—－/"  # what a figure cell can hold: digits, a decimal point, blank marks
_NUMERIC = re.compile(r"[+-]?[0-9][0-9,]*(?:\.[0-9]+)?")


class OcrMissing(ImportError):
    """The `ocr` extra is not installed: the file is a picture and nothing here can read it."""


@dataclass(frozen=True)
class Reading:
    """What the recognizer read in one crop, and how sure it is of each character."""

    text: str
    confidence: float  # the least sure character's probability (1.0 for nothing read)
    alternative: str | None = None  # the text with the least sure character swapped for its runner-up
    chars: tuple[float, ...] = ()


def available() -> bool:
    """Whether the extra is installed (onnxruntime, OpenCV and the packaged models)."""
    try:
        _modules()
    except OcrMissing:
        return False
    return True


def _modules() -> tuple[Any, Any, Any]:
    try:
        import cv2
        import onnxruntime
        import rapidocr_onnxruntime
    except ImportError as e:
        raise OcrMissing(f"缺少识别组件 {e.name}") from None
    return cv2, onnxruntime, rapidocr_onnxruntime


class Engine:
    """Detection and recognition sessions with the recognizer's alphabet."""

    def __init__(self) -> None:
        import numpy as np

        cv2, ort, rapid = _modules()
        self.cv2 = cv2
        models = Path(rapid.__file__).parent / "models"
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.log_severity_level = 4
        providers = ["CPUExecutionProvider"]
        self.rec = ort.InferenceSession(str(models / "ch_PP-OCRv4_rec_infer.onnx"), options, providers=providers)
        self.det = ort.InferenceSession(str(models / "ch_PP-OCRv4_det_infer.onnx"), options, providers=providers)
        meta = self.rec.get_modelmeta().custom_metadata_map
        self.alphabet = ["", *meta["character"].splitlines(), " "]  # CTC blank first, space last
        index = {c: i for i, c in enumerate(self.alphabet) if c}
        self.twins = [(index[v], index[c]) for v, c in TWINS.items() if v in index and c in index]
        self.figure_marks = np.array(sorted(index[c] for c in FIGURE_MARKS if c in index))
        self.figure_set = set(self.figure_marks.tolist())
        from rapidocr_onnxruntime.ch_ppocr_det.utils import DBPostProcess

        self.post = DBPostProcess(thresh=0.3, box_thresh=0.5, max_candidates=1000, unclip_ratio=1.6)

    # --- recognition -------------------------------------------------------------------

    def read(self, crops: list[Any]) -> list[Reading]:
        """Each grey crop (one line of text, ink dark on white) as text with per-character confidence."""
        import numpy as np

        out: list[Reading | None] = [None] * len(crops)
        ratios = [max(MIN_RATIO, c.shape[1] / max(1, c.shape[0])) for c in crops]
        for ids in _batches(sorted(range(len(crops)), key=lambda i: ratios[i]), ratios):
            ratio = max(ratios[i] for i in ids)
            width = int(REC_HEIGHT * ratio)
            tensor = np.zeros((len(ids), 3, REC_HEIGHT, width), dtype=np.float32)
            for k, i in enumerate(ids):
                crop = crops[i]
                w = min(width, math.ceil(REC_HEIGHT * crop.shape[1] / max(1, crop.shape[0])))
                image = self.cv2.resize(crop, (max(1, w), REC_HEIGHT)).astype(np.float32) / 127.5 - 1.0
                tensor[k, :, :, :w] = image[None, :, :]
            preds = self.rec.run(None, {self.rec.get_inputs()[0].name: tensor})[0]
            for k, i in enumerate(ids):
                out[i] = self._decode(preds[k])
        return [r if r is not None else Reading("", 0.0) for r in out]

    def _decode(self, pred: Any) -> Reading:
        """CTC greedy decoding, keeping each character's probability and runner-up.

        Shapes a figure cell cannot tell apart (o, O, 〇 and 0; l, I and 1)
        are one class when the whole reading is then a number: their
        probabilities add up, so a lone 「0」 the model half calls 「o」 is
        read as the zero it is, with the confidence of the shape.
        """
        reading = self._greedy(pred)
        if not reading.text:
            return reading
        merged = pred.copy()
        for variant, canonical in self.twins:
            merged[:, canonical] += merged[:, variant]
            merged[:, variant] = 0.0
        figure = self._figure(merged)
        return figure if figure is not None and _NUMERIC.fullmatch(figure.text) else reading

    def _figure(self, pred: Any) -> Reading | None:
        """The crop read as a figure: each digit's share among the marks a figure cell can hold.

        What else a lone 「0」 might be (「。」, 「D」) is no other figure, so it
        does not lower the confidence; another digit, or a digit the decoding
        dropped as blank, does.
        """
        import numpy as np

        marks = self.figure_marks
        best = pred.argmax(axis=1)
        text: list[str] = []
        probs: list[float] = []
        seconds: list[str] = []
        doubts: list[float] = []
        previous = -1
        for t, index in enumerate(best):
            row = pred[t]
            share = row[marks]
            total = float(share.sum()) or 1.0
            if index == 0:
                top = int(marks[int(np.argmax(share))])
                if top != previous and float(row[top]) > 0.2:
                    doubts.append(1.0 - float(row[top]))  # a digit nearly read here
            elif index != previous:
                if index not in self.figure_set:
                    return None
                text.append(self.alphabet[index])
                probs.append(float(row[index]) / total)
                others = share.copy()
                others[marks == index] = -1
                seconds.append(self.alphabet[int(marks[int(np.argmax(others))])])
            previous = int(index)
        if not text:
            return None
        weakest = int(np.argmin(probs))
        alternative = "".join(seconds[weakest] if k == weakest else c for k, c in enumerate(text))
        return Reading("".join(text), min([*probs, *doubts]), alternative, tuple(probs))

    def _greedy(self, pred: Any) -> Reading:
        import numpy as np

        best = pred.argmax(axis=1)
        text: list[str] = []
        probs: list[float] = []
        seconds: list[str] = []
        previous = -1
        for t, index in enumerate(best):
            if index != 0 and index != previous:
                text.append(self.alphabet[index] if index < len(self.alphabet) else "")
                probs.append(float(pred[t, index]))
                row = pred[t].copy()
                row[index] = -1
                row[0] = -1  # a runner-up that is the blank would drop the character: not a reading
                seconds.append(self.alphabet[int(np.argmax(row))])
            previous = int(index)
        if not text:
            return Reading("", 0.0)  # ink, but nothing read: not sure of anything
        weakest = int(np.argmin(probs))
        alternative = "".join(seconds[weakest] if k == weakest else c for k, c in enumerate(text))
        return Reading("".join(text), min(probs), alternative, tuple(probs))

    # --- detection ---------------------------------------------------------------------

    def lines(self, grey: Any) -> list[tuple[int, int, int, int]]:
        """Boxes (x0, y0, x1, y1) of the text lines on a grey page, at the page's own scale."""
        import numpy as np

        cv2 = self.cv2
        h, w = grey.shape[:2]
        sh, sw = (max(32, round(h * DET_SCALE / 32) * 32), max(32, round(w * DET_SCALE / 32) * 32))
        small = cv2.resize(grey, (sw, sh), interpolation=cv2.INTER_AREA).astype(np.float32) / 255.0
        tensor = np.repeat(((small - 0.5) / 0.5)[None, None, :, :], 3, axis=1)
        pred = self.det.run(None, {self.det.get_inputs()[0].name: tensor})[0]
        boxes, _scores = self.post(pred, (h, w))  # scaled back to the page by the map's own size
        out = []
        for box in boxes:
            xs, ys = box[:, 0], box[:, 1]
            x0, x1 = max(0, int(xs.min())), min(w, math.ceil(xs.max()))
            y0, y1 = max(0, int(ys.min())), min(h, math.ceil(ys.max()))
            if x1 - x0 > 3 and y1 - y0 > 3:
                out.append((x0, y0, x1, y1))
        return out


def _batches(order: list[int], ratios: list[float], size: int = 16) -> list[list[int]]:
    """Crops of like width together: each is padded to the widest of its batch, and padding costs."""
    out: list[list[int]] = []
    for i in order:
        if out and len(out[-1]) < size and ratios[i] <= 1.2 * ratios[out[-1][0]]:
            out[-1].append(i)
        else:
            out.append([i])
    return out


@cache
def engine() -> Engine:
    """The models, loaded once per process (about 0.3 s)."""
    return Engine()
