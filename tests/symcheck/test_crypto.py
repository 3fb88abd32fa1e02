import pytest

from symcheck.crypto import Cipher, DecryptionError


def test_round_trip_and_ciphertext_hides_plaintext() -> None:
    cipher = Cipher(Cipher.generate_key())
    token = cipher.encrypt("crushing chest pain")
    assert "chest" not in token
    assert cipher.decrypt(token) == "crushing chest pain"


def test_json_round_trip() -> None:
    cipher = Cipher(Cipher.generate_key())
    assert cipher.decrypt_json(cipher.encrypt_json({"text": "héllo", "n": [1]})) == {
        "text": "héllo",
        "n": [1],
    }


def test_old_key_still_decrypts_after_rotation() -> None:
    old, new = Cipher.generate_key(), Cipher.generate_key()
    token = Cipher(old).encrypt("x")
    rotated = Cipher(f"{new},{old}")
    assert rotated.decrypt(token) == "x"
    assert Cipher(new).decrypt(rotated.rotate(token)) == "x"


def test_wrong_key_raises_decryption_error() -> None:
    token = Cipher(Cipher.generate_key()).encrypt("x")
    with pytest.raises(DecryptionError):
        Cipher(Cipher.generate_key()).decrypt(token)


def test_invalid_key_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="keygen"):
        Cipher("not-a-key")
    with pytest.raises(ValueError, match="at least one"):
        Cipher(" , ")


def test_bytes_round_trip_and_rotation() -> None:
    old, new = Cipher.generate_key(), Cipher.generate_key()
    token = Cipher(old).encrypt_bytes(b"\x89PNG photo")
    assert b"photo" not in token
    assert Cipher(f"{new},{old}").decrypt_bytes(token) == b"\x89PNG photo"
    with pytest.raises(DecryptionError):
        Cipher(new).decrypt_bytes(token)
