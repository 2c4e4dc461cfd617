"""A damaged client file and a second coach: the app keeps working and says so."""

from __future__ import annotations

from datetime import date

from helpers.ui_support import capture_notes

from coach.models import BeliefScore, Commitment, Reflection
from coach.store import Store
from coach.ui.run import make_app
from coach.ui.screens.home import HomeScreen
from coach.ui.screens.reflect import ReflectionScreen

TODAY = date(2026, 11, 23)
SIZE = (80, 24)


def two_clients(data_dir):
    with Store.open(data_dir) as store:
        ann, bob = store.add_client("Ann"), store.add_client("Bob")
        for client in (ann, bob):
            r = Reflection(client_id=client.id, date="2026-11-16", verdict="steady")
            r.beliefs["known"] = BeliefScore(4, "said so")
            store.finish_reflection(r, Commitment(action="Call", aim="known", due="2026-11-30"))
    return ann, bob


async def test_a_damaged_client_is_named_and_the_others_still_work(tmp_path):
    data_dir = tmp_path / "data"
    ann, bob = two_clients(data_dir)
    (data_dir / "clients" / f"{ann.id}.json").write_bytes(b'{"reflections": {"1": {"beliefs": 42')
    store = Store.open(data_dir)
    app = make_app(store, TODAY)
    try:
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            notes = capture_notes(app)
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen)
            app.start_reflection(store.client(ann.id))  # refused in words, no traceback
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen)
            assert any("Ann" in n or ann.id in n for n in notes), notes
            app.start_reflection(store.client(bob.id))
            await pilot.pause()
            assert isinstance(app.screen, ReflectionScreen)
    finally:
        store.close()


async def test_read_only_says_so_in_the_header_and_offers_to_take_over(tmp_path):
    data_dir = tmp_path / "data"
    two_clients(data_dir)
    holder = Store.open(data_dir)
    second = Store.open(data_dir)
    assert second.read_only
    app = make_app(second, TODAY)
    try:
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await pilot.pause()
            assert "READ-ONLY" in app.sub_title
            holder.close()
            app._check_holder()
            await pilot.pause()
            assert "ctrl+o" in app.sub_title
            # the header says it whole at 80 columns (it was cut: "ctrl+o takes …")
            title = app.screen.query_one("HeaderTitle")
            header = str(title.render())
            assert app.sub_title in header and len(header) <= title.content_size.width, header
            await pilot.press("ctrl+o")
            await pilot.pause()
            assert not second.read_only and "READ-ONLY" not in app.sub_title
            second.add_client("Cleo")  # it really writes now
    finally:
        second.close()
        holder.close()
    with Store.open(data_dir, read_only=True) as store:
        assert "Cleo" in [c.name for c in store.clients()]
