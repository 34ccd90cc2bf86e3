"""Needs/offers matching: words, stems, weights, and the cross-sector preference."""

from __future__ import annotations

from core.profiles.matching import Candidate, Seeker, keywords, rank, score, stem


def test_keywords_drop_stopwords_and_stem() -> None:
    assert keywords("I'm looking for a mentor in Robotics and grants!") == {
        "mentor": "mentor",
        "robotic": "robotics",
        "grant": "grants",
    }
    assert stem("studies") == "study"
    assert stem("coding") == "cod"
    assert stem("bus") == "bus"  # too short to strip


def test_offers_count_more_than_interests_and_nothing_matching_is_left_out() -> None:
    seeker = Seeker(1, "robotics mentor")
    offers = Candidate(2, "robotics mentoring", ())
    likes = Candidate(3, "", ("robotics",))
    none = Candidate(4, "bake sales", ("poetry",))
    ranked = rank(seeker, [likes, none, offers])
    assert [m.user_id for m in ranked] == [2, 3]
    assert ranked[0].offered == ("robotics", "mentor")
    assert ranked[1].shared == ("robotics",)
    assert score(seeker, none) is None


def test_other_sector_and_school_rank_first() -> None:
    seeker = Seeker(1, "grant writing", group_id=10, school_key="school:1")
    same = Candidate(2, "grant writing", (), group_id=10, school_key="school:1")
    other_school = Candidate(3, "grant writing", (), group_id=10, school_key="school:2")
    other_sector = Candidate(4, "grant writing", (), group_id=11, school_key="school:1")
    both = Candidate(5, "grant writing", (), group_id=11, school_key="acme corp")
    ranked = rank(seeker, [same, other_school, other_sector, both])
    assert [m.user_id for m in ranked] == [5, 4, 3, 2]
    assert ranked[0].reasons("STEM Experts") == [
        "can offer grant, writing",
        "another sector (STEM Experts)",
        "another school or organization",
    ]


def test_self_is_never_matched_and_empty_need_matches_nobody() -> None:
    me = Candidate(1, "robotics", ())
    assert rank(Seeker(1, "robotics"), [me]) == []
    assert rank(Seeker(1, "the and of"), [Candidate(2, "the and of", ())]) == []
    assert (
        len(rank(Seeker(1, "robotics"), [Candidate(n, "robotics", ()) for n in range(2, 30)], limit=5)) == 5
    )
