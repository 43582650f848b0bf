"""Reference fit for the trainer's tests and bench: scikit-learn's multinomial LogisticRegression.

Usage: /usr/bin/python3 sklearn_logreg.py DATA.csv C [REPEATS [TOL]]
DATA.csv has a header "split,label,<feature>..." with split "train" or "test" and raw feature values.
Standardises with StandardScaler fitted on the train rows (as the trainer does), fits
LogisticRegression(multi_class='multinomial', solver='lbfgs', C=C) with tolerance TOL (default 1e-10,
tight so it reaches the optimum), and prints JSON: coefficients on standardised features, intercepts, test probabilities,
test accuracy, one-vs-rest AUC per class, and the median fit time over REPEATS fits (default 1).
"""
import json
import sys
import time

try:
    import numpy as np
    import sklearn
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.preprocessing import StandardScaler
except ImportError as error:
    sys.stderr.write(f"scikit-learn is missing ({error}): install Debian's python3-sklearn (apt-get install python3-sklearn)\n")
    sys.exit(3)


def main():
    path, c = sys.argv[1], float(sys.argv[2])
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    tol = float(sys.argv[4]) if len(sys.argv) > 4 else 1e-10
    split = np.loadtxt(path, delimiter=",", skiprows=1, usecols=0, dtype=str)
    data = np.loadtxt(path, delimiter=",", skiprows=1, usecols=range(1, len(open(path).readline().split(","))))
    y, x = data[:, 0].astype(int), data[:, 1:]
    train, test = split == "train", split == "test"

    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        scaler = StandardScaler().fit(x[train])
        model = LogisticRegression(multi_class="multinomial", solver="lbfgs", C=c, tol=tol, max_iter=10000)
        model.fit(scaler.transform(x[train]), y[train])
        times.append(time.perf_counter() - start)

    proba = model.predict_proba(scaler.transform(x[test]))
    classes = model.classes_.tolist()
    json.dump({
        "sklearn": sklearn.__version__,
        "coef": model.coef_.tolist(),
        "intercept": model.intercept_.tolist(),
        "classes": classes,
        "testProbabilities": proba.tolist(),
        "testAccuracy": float((proba.argmax(axis=1) == y[test]).mean()),
        "auc": [float(roc_auc_score(y[test] == k, proba[:, i])) for i, k in enumerate(classes)],
        "iterations": int(model.n_iter_[0]),
        "fitSeconds": float(np.median(times)),
    }, sys.stdout)


main()
