"""Article texts and a config several test modules share: here, so that test
modules never import each other (editing one test file must not break another)."""

from __future__ import annotations

ALEPPO_BODY = """
<p>Russian and Syrian warplanes carried out a wave of airstrikes on villages west of Aleppo
early on Thursday, killing at least nine civilians, according to local rescue workers.</p>
<p>The strikes hit a market in the town of Atarib shortly after dawn, rescuers from the
Syrian Civil Defence said. Two of the dead were children, and more than twenty people were
wounded in the attack on the crowded market.</p>
<p>"We heard the jets circling for almost an hour before the first bombs fell," said a
shopkeeper in Atarib. "People were buying bread. There was no warning at all."</p>
<p>A war monitor said at least fourteen air raids were recorded across the Aleppo
countryside, the heaviest bombardment of the area in several weeks.</p>
"""

WHEAT_BODY = """
<p>Wheat prices in regional markets rose for a fourth straight week as a prolonged drought
cut harvest forecasts across the eastern Mediterranean, traders said on Thursday.</p>
<p>The price of a tonne of milling wheat climbed nearly eight percent over the month, and
bakers in several cities warned that the cost of bread could rise again before winter.</p>
<p>Agriculture officials said rainfall in the main growing areas had been less than half
the seasonal average, and that reservoirs were at their lowest level in a decade.</p>
"""


DAEMON_CONFIG = """
state: {state}
defaults:
  interval: 1s
  timeout: 5s
sources:
  - name: levant
    feed: {base}/feed.xml
channels:
  hook: "{hook}"
rules:
{rules}
"""
