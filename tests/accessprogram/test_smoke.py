from django.conf import settings


def test_settings_mode_is_test():
    assert settings.MODE == "test"
    assert settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
