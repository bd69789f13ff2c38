"""cnnlib.plotting.live: the live training dashboard."""

import matplotlib
import pytest

matplotlib.use("Agg")

from cnnlib.plotting import LivePlot  # noqa: E402


def test_live_plot_collects_and_draws():
    live = LivePlot({"loss": ["loss"], "accuracy": ["train", "test"]}, total=4,
                    reference={"test": ([0, 4], [0.1, 0.9])}, title="demo")
    for step in range(1, 5):
        live.update(step, loss=1 / step, train=step / 5)
    live.update(4, test=0.8)
    assert live.series["test"] == ([4], [0.8])
    fig = live.close()
    assert "finished: 4 steps" in fig._suptitle.get_text()
    assert [ax.get_xlabel() for ax in fig.get_axes()] == ["training step"] * 2
    with pytest.raises(KeyError, match=r"unknown series 'acc'"):
        live.update(5, acc=1.0)
    with pytest.raises(ValueError, match=r"`panels` must name at least one panel"):
        LivePlot({})


def test_the_last_title_names_both_clocks():
    live = LivePlot({"loss": ["loss"]}, total=2)
    live.update(1, loss=1.0)
    live.update(2, loss=0.5)
    title = live.close(train_seconds=1.25)._suptitle.get_text()
    assert "finished: 2 steps; training 1.2 s, wall " in title and "with evaluation and drawing" in title
    assert live.closed_status == title
    untimed = LivePlot({"loss": ["loss"]})
    untimed.update(1, loss=1.0)
    text = untimed.close()._suptitle.get_text()
    assert text.startswith("finished: 1 steps; wall ") and "training" not in text


def test_a_slow_redraw_makes_the_next_one_wait(monkeypatch):
    """Drawing takes at most `max_share` of the loop: a redraw that costs 50 ms
    puts the next one 450 ms later, even when `min_interval` would allow it sooner."""
    import cnnlib.plotting.live as live_module

    clock = [0.0]
    monkeypatch.setattr(live_module.time, "perf_counter", lambda: clock[0])

    def slow_draw(self, final=False, train_seconds=None):
        clock[0] += 0.05                         # one redraw: 50 ms

    monkeypatch.setattr(LivePlot, "_draw", slow_draw)
    live = LivePlot({"loss": ["loss"]}, min_interval=0.0, max_share=0.1)
    live._display = object()                     # as in a notebook
    for step in range(100):                      # 100 updates, 10 ms of work each
        clock[0] += 0.01
        live.update(step, loss=1.0)
    assert live.redraws == 3                     # at 0.01, 0.51 and 1.01 s of a 1.15 s loop
    fast = LivePlot({"loss": ["loss"]}, min_interval=0.0, max_share=1.0)
    fast._display = object()
    for step in range(100):
        clock[0] += 0.01
        fast.update(step, loss=1.0)
    assert fast.redraws == 100                   # all its time may go to drawing: every update redraws
    with pytest.raises(ValueError, match="max_share"):
        LivePlot({"loss": ["loss"]}, max_share=0)
