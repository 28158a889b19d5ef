"""The blind review of the annotations (issue 37): a gold set of provisions drawn at random with a
recorded seed (``sample``), and what its annotators are given: the guidelines, generated from the
vocabularies the log defines (``guidelines``), and a packet of the sampled provisions' texts with
their context and nothing of the rules' output (``packet``, which also writes and checks the files
under ``review/gold/``); then the annotators' agreement (``agreement``) and the gold adjudicated from
the two independent annotations (``adjudicate``).
"""
