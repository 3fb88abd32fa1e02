from connectors._split import split_at_whitespace


def test_a_short_text_is_one_part() -> None:
    assert split_at_whitespace("  hello there  ", 20) == ["hello there"]


def test_parts_end_at_a_space_never_mid_word() -> None:
    assert split_at_whitespace("one two three four", 9) == ["one two", "three", "four"]


def test_a_sentence_end_in_the_second_half_is_preferred() -> None:
    assert split_at_whitespace("Call now. Then wait here", 16) == ["Call now.", "Then wait here"]


def test_only_a_word_longer_than_a_part_is_cut() -> None:
    assert split_at_whitespace("abcdefghij kl", 4) == ["abcd", "efgh", "ij", "kl"]


def test_units_count_what_a_character_costs() -> None:
    def double(ch: str) -> int:
        return 2

    assert split_at_whitespace("ab cd ef", 5, units=double) == ["ab", "cd", "ef"]
