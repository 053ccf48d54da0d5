"""The GIL is released while stepping; Ctrl-C stops a long run within a second."""

import os
import signal
import threading
import time

import comd


def test_a_python_thread_keeps_counting_while_run_steps():
    sim = comd.Simulation(nx=10, ny=10, nz=10)
    sim.run(1)
    count, stop = [0], threading.Event()

    def counter():
        while not stop.is_set():
            count[0] += 1

    t = threading.Thread(target=counter)
    t.start()
    time.sleep(0.05)
    before = count[0]
    t0 = time.perf_counter()
    # long enough to tell on a fast machine too: runs of 200 steps until 0.5 s have passed
    # (between two runs this thread holds the GIL for a moment only)
    while time.perf_counter() - t0 < 0.5:
        sim.run(200)
    elapsed = time.perf_counter() - t0
    during = count[0] - before
    stop.set()
    t.join()
    # with the GIL held the counter would not move at all while Rust steps
    assert during > 100_000 * elapsed, (during, elapsed)


def test_keyboard_interrupt_stops_a_long_run_within_a_second():
    # Python's own Ctrl-C handler, whatever was inherited: a shell starting the suite in the
    # background without job control has SIGINT ignored, and Python then keeps it ignored
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    sim = comd.Simulation(nx=12, ny=12, nz=12)
    sent = []

    def interrupt():
        sent.append(time.perf_counter())
        os.kill(os.getpid(), signal.SIGINT)

    timer = threading.Timer(0.5, interrupt)
    timer.start()
    try:
        # ~10 minutes if the interrupt were lost: a failure, not a hang of the suite
        sim.run(200_000)
        raise AssertionError("the run was not interrupted")
    except KeyboardInterrupt:
        caught = time.perf_counter()
    finally:
        signal.signal(signal.SIGINT, previous)
    timer.join()
    assert caught - sent[0] < 1.0, caught - sent[0]
    assert 0 < sim.step < 200_000
    # the state is a whole step and the simulation goes on
    step = sim.step
    sim.run(3)
    assert sim.step == step + 3


def test_callback_every_steps_with_the_gil_held():
    sim = comd.Simulation(nx=5, ny=5, nz=5)
    seen = []
    sim.run(25, every=10, callback=lambda s: seen.append((s.step, s.temperature)))
    assert [s for s, _ in seen] == [10, 20, 25]
    assert all(t > 0 for _, t in seen)


def test_each_simulation_has_its_own_thread_pool():
    one = comd.Simulation(nx=5, ny=5, nz=5, threads=1)
    two = comd.Simulation(nx=5, ny=5, nz=5, threads=2)
    one.run(20)
    two.run(20)
    # the default path gives the same bits for any thread count
    assert (one.positions == two.positions).all()
