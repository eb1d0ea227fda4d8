"""The QR codes a phone's camera reads: the projector's join code and a private link."""

import io

import pytest
import zxingcpp
from PIL import Image

from survey import qr

LINKS = [
    "http://192.168.1.20:8501/?s=K7PX",
    "https://survey.example.org/?s=HALLB&p=" + "Ab3_" * 11,  # a private link, token and all
]


@pytest.mark.parametrize("quick", [False, True])
@pytest.mark.parametrize("link", LINKS)
def test_a_phone_reads_back_exactly_the_link(link, quick):
    image = Image.open(io.BytesIO(qr.png(link, scale=4, quick=quick)))
    found = zxingcpp.read_barcodes(image)
    assert [f.text for f in found] == [link]
