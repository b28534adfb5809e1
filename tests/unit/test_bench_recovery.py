"""How the recovery figure is read from partitions' end and committed offsets."""

from __future__ import annotations

from kafka import TopicPartition

from pipeline.bench.recovery import Progression

SURVIVOR, KILLED, IDLE = (TopicPartition("births", p) for p in range(3))


def test_recovery_is_the_longest_wait_of_a_partition_that_had_work():
    watch = Progression({SURVIVOR: 10, KILLED: 20, IDLE: 5}, killed_at=100.0)
    watch.observe(100.5, {SURVIVOR: 12, KILLED: 22, IDLE: 5}, {SURVIVOR: 11, KILLED: 20})
    watch.observe(104.0, {SURVIVOR: 13, KILLED: 23, IDLE: 5}, {SURVIVOR: 12, KILLED: 20})
    assert not watch.recovered()  # the killed worker's partition has not moved yet
    watch.observe(111.0, {SURVIVOR: 20, KILLED: 30, IDLE: 5}, {SURVIVOR: 19, KILLED: 25})
    assert watch.recovered()
    assert watch.waits() == {SURVIVOR: 0.0, KILLED: 10.5}  # IDLE had nothing to do
    assert watch.watched() == {SURVIVOR, KILLED}


def test_a_partition_whose_work_arrived_just_now_is_not_held_against_recovery():
    watch = Progression({SURVIVOR: 10, KILLED: 20}, killed_at=0.0)
    watch.observe(1.0, {SURVIVOR: 11, KILLED: 20}, {SURVIVOR: 11, KILLED: 20})
    watch.observe(30.0, {SURVIVOR: 12, KILLED: 21}, {SURVIVOR: 12, KILLED: 20})
    assert watch.recovered()  # KILLED got work at 30 s: too late to judge it
    assert watch.waits() == {SURVIVOR: 0.0}


def test_never_committed_partitions_count_from_offset_zero():
    watch = Progression({}, killed_at=0.0)
    watch.observe(1.0, {KILLED: 3}, {})
    watch.observe(5.0, {KILLED: 3}, {KILLED: 3})
    assert watch.waits() == {KILLED: 4.0}
