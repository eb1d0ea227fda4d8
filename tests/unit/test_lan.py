"""The join link's host when the facilitator opened the app as localhost: the LAN address."""

import socket

import pytest

from survey.serving import lan
from survey.serving.lan import Choice, Interface, choose, is_loopback, join_base, link_warning

LAPTOP = [  # a facilitator's laptop on the venue Wi-Fi, with Docker installed
    Interface("lo", "127.0.0.1"),
    Interface("lo", "::1"),
    Interface("docker0", "172.17.0.1"),
    Interface("wlan0", "192.168.1.20"),
    Interface("wlan0", "fe80::1c2b:3aff:fe4d:5e6f"),
    Interface("wlan0", "2001:db8::20"),
    Interface("eth0", "10.0.0.7"),
]


@pytest.mark.parametrize(
    "host,expected",
    [
        ("localhost", True),
        ("LOCALHOST.", True),
        ("app.localhost", True),
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", True),
        ("::", True),
        ("::ffff:127.0.0.1", True),
        ("", True),
        (None, True),
        ("192.168.1.20", False),
        ("10.0.0.7", False),
        ("2001:db8::20", False),
        ("survey.example.org", False),
        ("localhost.example.org", False),
    ],
)
def test_loopback_hosts_are_the_ones_no_phone_can_reach(host, expected):
    assert is_loopback(host) is expected


def test_the_default_routes_address_wins_and_the_others_are_offered():
    choice = choose(LAPTOP, default_route_address="192.168.1.20")
    assert (choice.host, choice.interface) == ("192.168.1.20", "wlan0")
    # No loopback or link-local address is ever offered; container bridges come last.
    assert [i.address for i in choice.others] == ["10.0.0.7", "2001:db8::20", "172.17.0.1"]


def test_a_wired_default_route_beats_the_wifi():
    assert choose(LAPTOP, default_route_address="10.0.0.7").host == "10.0.0.7"


def test_without_a_default_route_a_real_ipv4_address_comes_before_bridges_and_ipv6():
    # An offline venue: the Wi-Fi router gives addresses but no route to the internet.
    choice = choose(LAPTOP, default_route_address=None)
    assert choice.host == "192.168.1.20"
    bridge_and_v6 = [Interface("docker0", "172.17.0.1"), Interface("wlan0", "2001:db8::20")]
    assert choose(bridge_and_v6).host == "2001:db8::20"


def test_a_default_route_through_an_address_not_listed_falls_back_to_the_list():
    assert choose(LAPTOP, default_route_address="203.0.113.9").host == "192.168.1.20"


def test_a_machine_with_only_loopback_has_no_lan_host():
    only_lo = [Interface("lo", "127.0.0.1"), Interface("lo", "::1"), Interface("x", "bogus")]
    assert choose(only_lo, "127.0.0.1") == Choice(None)


WIFI = Choice("192.168.1.20", (Interface("eth0", "10.0.0.7"),), "wlan0")


@pytest.mark.parametrize(
    "browser_url,expected",
    [
        ("http://localhost:8501", "http://192.168.1.20:8501"),
        ("http://127.0.0.1:8600/", "http://192.168.1.20:8600"),
        ("http://[::1]:8501", "http://192.168.1.20:8501"),
        ("http://0.0.0.0:8501", "http://192.168.1.20:8501"),
        ("https://localhost", "https://192.168.1.20"),
        ("http://localhost:8501/base", "http://192.168.1.20:8501/base"),
        # Already an address phones can use: kept as the browser used it.
        ("http://10.0.0.7:8501", "http://10.0.0.7:8501"),
        ("https://survey.example.org", "https://survey.example.org"),
    ],
)
def test_a_loopback_browser_address_becomes_the_lan_address_in_the_join_link(browser_url, expected):
    assert join_base(browser_url, WIFI) == expected


def test_survey_public_url_still_wins():
    assert join_base("http://localhost:8501", WIFI, "https://hall-b.example.org/") == (
        "https://hall-b.example.org"
    )


def test_an_ipv6_lan_address_goes_into_the_link_in_brackets():
    v6 = Choice("2001:db8::20")
    assert join_base("http://localhost:8501", v6) == "http://[2001:db8::20]:8501"


def test_no_warning_when_phones_can_connect():
    assert link_warning("http://192.168.1.20:8501", WIFI, reachable_from_lan=True) is None


def test_a_server_bound_to_loopback_is_called_out_with_the_fix():
    text = link_warning("http://192.168.1.20:8501", WIFI, reachable_from_lan=False)
    assert "Phones cannot open http://192.168.1.20:8501" in text
    assert "make run ADDRESS=0.0.0.0" in text


def test_a_link_left_on_loopback_is_called_out():
    text = link_warning("http://localhost:8501", Choice(None), reachable_from_lan=True)
    assert "this computer's own address" in text and "Wi-Fi" in text


def test_the_start_banner_prints_the_lan_join_link_and_the_alternatives():
    text = lan.start_banner("0.0.0.0", 8600, WIFI)
    assert "Phones join at http://192.168.1.20:8600/" in text
    assert "or http://10.0.0.7:8600/ (eth0)" in text
    assert "http://localhost:8600/sessions" in text


def test_the_start_banner_says_when_phones_cannot_join():
    assert "make run ADDRESS=0.0.0.0" in lan.start_banner("127.0.0.1", 8501, WIFI)
    assert "no network address" in lan.start_banner("", 8501, Choice(None))
    public = lan.start_banner("127.0.0.1", 8501, WIFI, "https://hall-b.example.org")
    assert "Phones join at https://hall-b.example.org/" in public


def test_reachable_tells_a_listening_port_from_a_closed_one():
    with socket.socket() as srv:
        srv.bind(("127.0.0.1", 0))
        srv.listen()
        port = srv.getsockname()[1]
        assert lan.reachable("127.0.0.1", port)
    assert not lan.reachable("127.0.0.1", port)


def test_discovery_on_this_machine_never_offers_a_loopback_address():
    choice = lan.discover()
    assert not is_loopback(choice.host) or choice.host is None
    assert all(not is_loopback(i.address) for i in choice.others)
