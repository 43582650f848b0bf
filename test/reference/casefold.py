# The reference for the participant key's case folding: Unicode's compatibility caseless match (D146:
# NFKD(casefold(NFKD(casefold(NFD(x)))))) from Python's str.casefold. Prints {"unicode": version, "known":
# [[first, last], ...] (the letters and digits this Python knows), "forms": {codepoint: form}} with the
# form of every letter and digit whose form is not the character itself.
import json
import sys
import unicodedata

def caseless(text):
    nfkd = lambda s: unicodedata.normalize('NFKD', s)
    return nfkd(nfkd(unicodedata.normalize('NFD', text).casefold()).casefold())

forms = {}
known = []
for cp in range(0x110000):
    c = chr(cp)
    if unicodedata.category(c)[0] not in 'LN':
        continue
    if known and known[-1][1] == cp - 1:
        known[-1][1] = cp
    else:
        known.append([cp, cp])
    form = caseless(c)
    if form != c:
        forms[cp] = form
json.dump({'unicode': unicodedata.unidata_version, 'known': known, 'forms': forms}, sys.stdout)
