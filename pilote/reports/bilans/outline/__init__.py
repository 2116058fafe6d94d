"""The outline of a bilan: its content (governance.bilans.content) laid out once as blocks.

The PDF, DOCX and ODT writers render these blocks and nothing else, so that the three documents
say the same thing in the same order. Every section is always present and says in a sentence
when it has nothing to show, except the comparison with the previous bilan, which only exists
when there is a previous bilan (a first bilan says so in its synthèse). Every chart comes with a
text alternative that gives the same figures in words.

One module per part of the bilan (summary, progress, indicators, facilities, closing), their
shared helpers in common; document.build_blocks puts the parts in order.
"""
