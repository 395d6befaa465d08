"""The engine: pure Python with numpy and scipy, no Django.

``ties`` finds who already knows whom and how well, ``fit`` scores a
candidate's experience against a member's goals, ``ranking`` combines both
into mentor and copilot suggestions, ``reasons`` explains them in words and
``text`` normalises the words they are built from. ``assignment`` and
``peer_pairing`` match whole programmes.
"""
