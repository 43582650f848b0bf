"""NeuroKit2's default ECG R-peak detector, reimplemented for bench/ecg-validation.ts (not run by npm test).

Source: NeuroKit2 (github.com/neuropsychology/NeuroKit, MIT licence, Copyright (c) 2020 Dominique Makowski),
`ecg_clean(method="neurokit")` and `ecg_findpeaks(method="neurokit")` (`_ecg_findpeaks_neurokit`), read and
written again here because no Python package registry is reachable on the reference machine. Cite: Makowski D.
et al., "NeuroKit2: A Python toolbox for neurophysiological signal processing", Behavior Research Methods
53:1689-1696, 2021. The method is NeuroKit2's own (described in its documentation, not in a paper): QRS complexes
are where the smoothed absolute gradient exceeds 1.5x its own slower moving average; in each complex long
enough, the most prominent local maximum of the cleaned signal is the R peak, at least 0.3 s after the last.

Input (stdin): JSON {"records": [{"name": str, "rateHz": float, "samples": [float, ...]}, ...]}.
Output (stdout): JSON {name: [R-peak sample indices]}. Needs numpy and scipy (Debian: python3-numpy,
python3-scipy).
"""

import json
import sys

import numpy as np
import scipy.ndimage
import scipy.signal


def clean(ecg, fs):
    """ecg_clean(method="neurokit"): 0.5 Hz 5th-order Butterworth high-pass (zero phase), then the
    powerline filter: a moving average one 50 Hz period long (two samples below 100 Hz), zero phase."""
    sos = scipy.signal.butter(5, 0.5, btype="highpass", output="sos", fs=fs)
    x = scipy.signal.sosfiltfilt(sos, ecg)
    taps = int(fs / 50) if fs >= 100 else 2
    return scipy.signal.filtfilt(np.ones(taps), [taps], x, method="pad")


def find_peaks(signal, fs, smoothwindow=0.1, avgwindow=0.75, gradthreshweight=1.5, minlenweight=0.4, mindelay=0.3):
    """_ecg_findpeaks_neurokit with its default parameters."""
    absgrad = np.abs(np.gradient(signal))
    smoothgrad = scipy.ndimage.uniform_filter1d(absgrad, int(np.rint(smoothwindow * fs)), mode="nearest")
    avggrad = scipy.ndimage.uniform_filter1d(smoothgrad, int(np.rint(avgwindow * fs)), mode="nearest")
    threshold = gradthreshweight * avggrad
    delay = int(np.rint(fs * mindelay))

    qrs = smoothgrad > threshold
    starts = np.where(~qrs[:-1] & qrs[1:])[0]
    ends = np.where(qrs[:-1] & ~qrs[1:])[0]
    if starts.size == 0:
        return []
    ends = ends[ends > starts[0]]
    n = min(starts.size, ends.size)
    min_len = np.mean(ends[:n] - starts[:n]) * minlenweight

    peaks = [0]
    for beg, end in zip(starts[:n], ends[:n]):
        if end - beg < min_len:
            continue
        local, props = scipy.signal.find_peaks(signal[beg:end], prominence=(None, None))
        if local.size == 0:
            continue
        peak = beg + local[np.argmax(props["prominences"])]
        if peak - peaks[-1] > delay:
            peaks.append(int(peak))
    return peaks[1:]


def main():
    request = json.load(sys.stdin)
    out = {}
    for record in request["records"]:
        fs = float(record["rateHz"])
        out[record["name"]] = find_peaks(clean(np.asarray(record["samples"], dtype=float), fs), fs)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
