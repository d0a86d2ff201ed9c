#!/usr/bin/python3
# make_corpus.py: writes the malformed-input corpus and EXPECTED.txt (run from this folder).
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Each file breaks one rule; EXPECTED.txt pairs it with the substring of the one-line
# "FILE:LINE: message" error that neurite-cli validate and run must print (exit status 2).
import os

HERE = os.path.dirname(os.path.abspath(__file__))

BASE = """<?xml version="1.0" encoding="UTF-8"?>
<neuroml xmlns="http://www.neuroml.org/schema/neuroml2" id="doc">
  @INCLUDE@<ionChannelHH id="leak" conductance="10pS"/>
  @CHANNEL@<cell id="c">
    <morphology id="m">
      <segment id="0" name="soma"><proximal x="0" y="0" z="0" diameter="10"/><distal x="0" y="10" z="0" diameter="10"/></segment>
      <segment id="1" name="dend"><parent segment="0"/><proximal x="0" y="10" z="0" diameter="@DIAM@"/><distal x="0" y="110" z="0" diameter="2"/></segment>
      @SEGMENTS@
    </morphology>
    <biophysicalProperties id="b">
      <membraneProperties>
        <channelDensity id="leak_all" ionChannel="@CHAN@" condDensity="@G@" erev="@EREV@" @GROUP@ion="non_specific"/>
        <spikeThresh value="0mV"/><specificCapacitance value="1 uF_per_cm2"/><initMembPotential value="-65mV"/>
      </membraneProperties>
      <intracellularProperties><resistivity value="@RA@"/></intracellularProperties>
    </biophysicalProperties>
  </cell>
  <pulseGenerator id="pg" delay="1ms" duration="1ms" amplitude="0.1nA"/>
  @PG2@<network id="net"><population id="pop0" component="@COMP@" size="1"/><explicitInput target="pop0[0]" input="@INPUT@"/></network>
</neuroml>
"""

DEFAULTS = {"@INCLUDE@": "", "@CHANNEL@": "", "@DIAM@": "2", "@SEGMENTS@": "", "@CHAN@": "leak",
            "@G@": "0.3 mS_per_cm2", "@EREV@": "-54.3mV", "@GROUP@": "", "@RA@": "100 ohm_cm",
            "@PG2@": "", "@COMP@": "c", "@INPUT@": "pg"}


def doc(**kw):
    text = BASE
    for k, v in DEFAULTS.items():
        text = text.replace(k, kw.get(k.strip("@").lower(), v))
    return text


SEC_GROUPS = ('<segmentGroup id="soma" neuroLexId="sao864921383"><member segment="0"/></segmentGroup>'
              '<segmentGroup id="dend" neuroLexId="sao864921383"><member segment="1"/><member segment="2"/></segmentGroup>')
# A channel with a rate form of its own (a LEMS ComponentType Neurite cannot evaluate).
KDR = """<ionChannelHH id="kdr" species="k" conductance="10pS">
    <gateHHrates id="n" instances="4">
      <forwardRate type="Bezaire_kdr_alpha" rate="0.2per_ms" midpoint="-50mV" scale="10mV"/>
      <reverseRate type="HHExpRate" rate="0.125per_ms" midpoint="-65mV" scale="-80mV"/>
    </gateHHrates>
  </ionChannelHH>
  """


def ks(body, chan_id="ks"):
    """An ionChannelKS of species k with one gateKS holding body."""
    return ('<ionChannelKS id="%s" species="k" conductance="10pS">\n'
            '    <gateKS id="n" instances="1">\n%s    </gateKS>\n  </ionChannelKS>\n  ' % (chan_id, body))


RATE_F = '<rate type="HHExpRate" rate="0.1per_ms" midpoint="-40mV" scale="10mV"/>'
RATE_R = '<rate type="HHExpRate" rate="0.05per_ms" midpoint="-40mV" scale="-10mV"/>'
KS_STATES = '      <closedState id="c1"/>\n      <closedState id="c2"/>\n      <openState id="o"/>\n'
KS_OK = ('      <forwardTransition id="f1" from="c1" to="c2">%s</forwardTransition>\n'
         '      <reverseTransition id="r1" from="c1" to="c2">%s</reverseTransition>\n' % (RATE_F, RATE_R))

# A Neurite annotation's two-state scheme channel, for the annotation cases.
ANN_CHANNEL = ('        <neurite:channelType name="ks" ion="k" gmax="0" erev="0" q10="1" q10Temperature="6.3">\n'
               '          <neurite:scheme power="1">\n'
               '            <neurite:state name="C" fraction="0" x="0" y="0"/>\n'
               '            <neurite:state name="O" fraction="1" x="50" y="0"/>\n'
               '            <neurite:transition from="C" to="O" type="alpha_beta" form0="1" A0="0.1" k0="0" d0="0" form1="1" A1="0.2" k1="0" d1="0"/>\n'
               '          </neurite:scheme>\n'
               '        </neurite:channelType>\n')

cases = [
    ("01-not-well-formed.nml", doc().replace("</cell>", "</cel>"), "not well-formed XML"),
    ("02-wrong-root.nml", '<?xml version="1.0"?>\n<neuroML2 xmlns="http://www.neuroml.org/schema/neuroml2" id="x"/>\n',
     "root element is <neuroML2>"),
    ("03-no-namespace.nml", doc().replace(' xmlns="http://www.neuroml.org/schema/neuroml2"', ""),
     "not in the NeuroML v2 namespace"),
    ("04-negative-diam.nml", doc(diam="-2"), "diameter -2 must be positive"),
    ("05-zero-diam.nml", doc(diam="0"), "diameter 0 must be positive"),
    ("06-zero-length.nml", doc(segments='<segment id="2" name="dend2"><parent segment="1"/><distal x="0" y="110" z="0" diameter="2"/></segment>' + SEC_GROUPS),
     "segment 2 has zero length"),
    ("07-unknown-parent.nml", doc().replace('<parent segment="0"/>', '<parent segment="7"/>'),
     'unknown parent segment "7"'),
    ("08-cycle.nml", doc(segments='<segment id="2" name="a"><parent segment="3"/><proximal x="0" y="0" z="0" diameter="1"/><distal x="0" y="5" z="0" diameter="1"/></segment>'
                                  '<segment id="3" name="b"><parent segment="2"/><proximal x="0" y="0" z="0" diameter="1"/><distal x="0" y="5" z="0" diameter="1"/></segment>'),
     "forms a cycle"),
    ("09-duplicate-segment-id.nml", doc(segments='<segment id="1" name="again"><parent segment="0"/><distal x="0" y="20" z="0" diameter="2"/></segment>'),
     "duplicate segment id 1"),
    ("10-two-roots.nml", doc(segments='<segment id="2" name="root2"><proximal x="0" y="0" z="0" diameter="1"/><distal x="0" y="5" z="0" diameter="1"/></segment>'),
     "exactly one segment may lack a parent"),
    ("11-missing-include.nml", doc(include='<include href="no-such-file.nml"/>\n  '),
     'included file'),
    ("12-unknown-channel.nml", doc(channel=KDR, chan="kdr").replace('ion="non_specific"', 'ion="k"'),
     'ion channel "kdr": forwardRate type "Bezaire_kdr_alpha" is not one of the standard forms'),
    ("13-undefined-channel.nml", doc(chan="nothere"), 'refers to unknown ion channel "nothere"'),
    ("14-nan-value.nml", doc().replace('<distal x="0" y="110"', '<distal x="NaN" y="110"'),
     "not a finite number"),
    ("15-bad-units.nml", doc(g="0.3 mS/cm2"), 'bad unit "mS/cm2"'),
    ("16-unknown-segment-group.nml", doc(group='segmentGroup="dendrites" '),
     'unknown segment group "dendrites"'),
    ("17-nseg-zero.nml", doc(segments='<segmentGroup id="soma" neuroLexId="sao864921383"><property tag="numberInternalDivisions" value="0"/><member segment="0"/></segmentGroup>'
                                      '<segmentGroup id="dend" neuroLexId="sao864921383"><member segment="1"/></segmentGroup>'),
     "is not a positive integer"),
    ("18-unknown-member.nml", doc(segments='<segmentGroup id="g"><member segment="9"/></segmentGroup>'),
     'member segment "9" does not exist'),
    ("19-duplicate-id.nml", doc(pg2='<pulseGenerator id="pg" delay="2ms" duration="1ms" amplitude="0.1nA"/>\n  '),
     'duplicate id "pg"'),
    ("20-unknown-component.nml", doc(comp="nocell"), 'unknown component "nocell"'),
    ("21-missing-unit.nml", doc(erev="-54.3"), "has no unit"),
    ("22-unknown-included-group.nml", doc(segments='<segmentGroup id="g"><include segmentGroup="nowhere"/></segmentGroup>'),
     'includes unknown segment group "nowhere"'),
    ("23-section-gap.nml", doc(segments='<segmentGroup id="soma" neuroLexId="sao864921383"><member segment="0"/></segmentGroup>'),
     "is in no section group"),
    ("24-empty.nml", "", "not well-formed XML"),
    ("25-unsupported-cell-type.nml",
     '<?xml version="1.0"?>\n<neuroml xmlns="http://www.neuroml.org/schema/neuroml2" id="d">\n'
     '  <izhikevich2007Cell id="iz" C="100pF" v0="-60mV" k="0.7nS_per_mV" vr="-60mV" vt="-40mV" vpeak="35mV" a="0.03per_ms" b="-2nS" c="-50.0mV" d="100pA"/>\n'
     '</neuroml>\n', "cell type <izhikevich2007Cell> is not supported"),
    ("26-unknown-input.nml", doc(input="nopg"), 'unknown input "nopg"'),
    ("27-fraction-out-of-range.nml", doc().replace('<parent segment="0"/>', '<parent segment="0" fractionAlong="1.5"/>'),
     "fractionAlong must lie in [0, 1]"),
    ("28-exponent-plus.nml", doc(g="3e+01 S_per_m2"), "is not a number with a unit"),
    ("29-unequal-sphere.nml", doc().replace('<distal x="0" y="10" z="0" diameter="10"/>', '<distal x="0" y="0" z="0" diameter="12"/>'),
     "spherical segment 0 has unequal diameters"),
    ("30-negative-conductance.nml", doc(g="-0.3 mS_per_cm2"), "condDensity must not be negative"),
    ("31-lems-bad-target.xml",
     '<Lems>\n  <Target component="sim1"/>\n  <Include file="Cells.xml"/>\n  <Include file="valid-helper.nml"/>\n'
     '  <Simulation id="sim1" length="10ms" step="0.025ms" target="nonet"/>\n</Lems>\n',
     'Simulation target "nonet" is not a network'),
    ("valid-helper.nml", doc(), None),
    # Kinetic-scheme channels (gateKS) that are valid XML but wrong.
    ("33-ks-unknown-state.nml",
     doc(channel=ks(KS_STATES + KS_OK +
                    '      <forwardTransition id="f2" from="c2" to="o9">%s</forwardTransition>\n'
                    '      <reverseTransition id="r2" from="c2" to="o9">%s</reverseTransition>\n' % (RATE_F, RATE_R)),
         chan="ks").replace('ion="non_specific"', 'ion="k"'),
     'transition "f2" of gate "n" refers to unknown state "o9"'),
    ("34-ks-unpaired-transition.nml",
     doc(channel=ks(KS_STATES + KS_OK +
                    '      <forwardTransition id="f2" from="c2" to="o">%s</forwardTransition>\n'
                    '      <reverseTransition id="r2" from="o" to="c2">%s</reverseTransition>\n' % (RATE_F, RATE_R)),
         chan="ks").replace('ion="non_specific"', 'ion="k"'),
     'forwardTransition "f2" (c2 to o) must be followed by a reverseTransition with the same from and to'),
    ("35-ks-custom-rate.nml",
     doc(channel=ks(KS_STATES + KS_OK +
                    '      <forwardTransition id="f2" from="c2" to="o"><rate type="myRate" rate="1per_ms" midpoint="0mV" scale="1mV"/></forwardTransition>\n'
                    '      <reverseTransition id="r2" from="c2" to="o">%s</reverseTransition>\n' % RATE_R),
         chan="ks").replace('ion="non_specific"', 'ion="k"'),
     'ion channel "ks": rate type "myRate" is not one of the standard forms'),
    ("36-ks-scale-zero.nml",
     doc(channel=ks(KS_STATES + KS_OK.replace('scale="10mV"', 'scale="0mV"') +
                    '      <tauInfTransition id="t2" from="c2" to="o"><steadyState type="HHSigmoidVariable" rate="1" midpoint="-30mV" scale="5mV"/>'
                    '<timeCourse type="fixedTimeCourse" tau="2ms"/></tauInfTransition>\n'),
         chan="ks").replace('ion="non_specific"', 'ion="k"'),
     '<rate scale> must not be 0'),
    ("37-ks-ligand-reverse.nml",
     doc(channel=ks(KS_STATES + KS_OK +
                    '      <forwardTransition id="f2" from="c2" to="o"><rate type="neurite_ligandRate" rate="10per_ms" ligand="cai" species="ca" stoichiometry="2"/></forwardTransition>\n'
                    '      <reverseTransition id="r2" from="c2" to="o">%s</reverseTransition>\n' % RATE_R),
         chan="ks").replace('ion="non_specific"', 'ion="k"'),
     'the backward rate of a ligand transition must be a constant'),
    ("38-q10-mismatch.nml",
     doc(channel='<ionChannelHH id="kq" species="k" conductance="10pS">\n'
                 '    <gateHHrates id="n" instances="4"><q10Settings type="q10ExpTemp" q10Factor="3" experimentalTemp="6.3 degC"/>'
                 '<forwardRate type="HHExpLinearRate" rate="0.2per_ms" midpoint="-50mV" scale="10mV"/>'
                 '<reverseRate type="HHExpRate" rate="0.125per_ms" midpoint="-65mV" scale="-80mV"/></gateHHrates>\n'
                 '    <gateHHrates id="h" instances="1"><q10Settings type="q10ExpTemp" q10Factor="2" experimentalTemp="6.3 degC"/>'
                 '<forwardRate type="HHExpRate" rate="0.2per_ms" midpoint="-50mV" scale="10mV"/>'
                 '<reverseRate type="HHExpRate" rate="0.125per_ms" midpoint="-65mV" scale="-80mV"/></gateHHrates>\n'
                 '  </ionChannelHH>\n  ', chan="kq").replace('ion="non_specific"', 'ion="k"'),
     'its gates have different q10Settings'),
    ("39-annotation-unknown-state.nml",
     open(os.path.join(HERE, "..", "..", "models", "soma-hh.nml")).read().replace(
         "      </neurite:model>", ANN_CHANNEL.replace('to="O"', 'to="O9"') + "      </neurite:model>"),
     '<transition to="O9">: no such state in this scheme'),
    ("40-annotation-bad-ligand.nml",
     open(os.path.join(HERE, "..", "..", "models", "soma-hh.nml")).read().replace(
         "      </neurite:model>", ANN_CHANNEL.replace('type="alpha_beta"', 'type="ligand_inside" ligand="cl" stoichiometry="1"') + "      </neurite:model>"),
     'unknown ligand ion "cl"'),
    ("41-gate-kind-unsupported.nml",
     doc(channel='<ionChannelHH id="kri" species="k" conductance="10pS">\n'
                 '    <gateHHratesInf id="n" instances="4">'
                 '<forwardRate type="HHExpLinearRate" rate="0.2per_ms" midpoint="-50mV" scale="10mV"/>'
                 '<reverseRate type="HHExpRate" rate="0.125per_ms" midpoint="-65mV" scale="-80mV"/>'
                 '<steadyState type="HHSigmoidVariable" rate="1" midpoint="-50mV" scale="5mV"/></gateHHratesInf>\n'
                 '  </ionChannelHH>\n  ', chan="kri").replace('ion="non_specific"', 'ion="k"'),
     'ion channel "kri": <gateHHratesInf> cannot be simulated'),
    ("42-q10-fixed.nml",
     doc(channel='<ionChannelHH id="kqf" species="k" conductance="10pS">\n'
                 '    <gateHHrates id="n" instances="4"><q10Settings type="q10Fixed" fixedQ10="2"/>'
                 '<forwardRate type="HHExpLinearRate" rate="0.2per_ms" midpoint="-50mV" scale="10mV"/>'
                 '<reverseRate type="HHExpRate" rate="0.125per_ms" midpoint="-65mV" scale="-80mV"/></gateHHrates>\n'
                 '  </ionChannelHH>\n  ', chan="kqf").replace('ion="non_specific"', 'ion="k"'),
     'only q10Settings of type q10ExpTemp can be simulated'),
    ("32-annotation-zero-L.nml",
     open(os.path.join(HERE, "..", "..", "models", "soma-hh.nml")).read().replace('L="10"', 'L="0"'),
     "L must be greater than 0"),
]

with open(os.path.join(HERE, "EXPECTED.txt"), "w") as exp:
    exp.write("# FILE<TAB>substring of the one-line error of `neurite-cli validate|run FILE` (exit 2)\n")
    for name, text, expected in cases:
        with open(os.path.join(HERE, name), "w") as f:
            f.write(text)
        if expected is not None:  # helper files that are valid on their own
            exp.write("%s\t%s\n" % (name, expected))
