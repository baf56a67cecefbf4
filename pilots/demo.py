"""Demo pilot past day 60 for `seed_demo`. Filled in by the pilots work."""


def seed_pilots(cast: dict, procurement: dict) -> list[str]:
    return []
