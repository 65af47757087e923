"""Make the QualCoder round-trip fixture with QualCoder's own code, headless.

Imports a ``.qdpx`` written by utenforskap into a new QualCoder project with
QualCoder's REFI-QDA import, then exports the project again with its REFI-QDA
export, and prints what QualCoder's database holds (sources, codes, codings,
cases and case links).  QualCoder is not a package: run this with a Python
that has QualCoder's source on its path and its requirements installed
(``requirements.txt`` of the ``ccbogel/QualCoder`` repository, with PyQt6;
``libpulse0`` on Debian), never in the test suite::

    python tools/qualcoder_roundtrip.py QUALCODER_SRC IN.qdpx OUT.qdpx

The committed fixtures ``tests/fixtures/refi-qda/qualcoder_input.qdpx`` (the
bundled workshop coded by the rules, ``write_qdpx``) and
``qualcoder_reexport.qdpx`` were made this way on 2026-12-02 with QualCoder
at commit c3204641 (2026-08-22).  Its import held 6 sources, 17 codes, 232
codings, 9 cases and 0 case links.
"""

import os
import shutil
import sys
import tempfile
from pathlib import Path


def main(source: str, inputs: str, output: str) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, source)
    Path.home().joinpath(".qualcoder").mkdir(exist_ok=True)  # QualCoder logs there
    from PyQt6 import QtWidgets

    qapp = QtWidgets.QApplication([])  # kept: Qt needs it alive
    import qualcoder.__main__ as qualcoder
    from qualcoder import refi

    work = Path(tempfile.mkdtemp(prefix="qualcoder-"))
    dialog = QtWidgets.QFileDialog  # QualCoder asks for every path in a dialog: answer them
    dialog.getSaveFileName = staticmethod(lambda *a, **k: (str(work / "prosjekt"), "ok"))
    dialog.getOpenFileName = staticmethod(lambda *a, **k: (str(Path(inputs).resolve()), "ok"))
    dialog.getExistingDirectory = staticmethod(lambda *a, **k: str(work))
    QtWidgets.QMessageBox.exec = lambda self: 0
    QtWidgets.QDialog.exec = lambda self: 1
    window = qualcoder.MainWindow(qualcoder.App())
    window.new_project()
    app = window.app  # new_project makes a new App
    app.settings["codername"] = "default"
    refi.RefiImport(app, window.ui.textEdit, "qdpx")
    cursor = app.conn.cursor()
    for table in ("source", "code_name", "code_text", "cases", "case_text"):
        cursor.execute(f"select count(*) from {table}")
        print(f"{table}: {cursor.fetchone()[0]}")
    refi.RefiExport(app, window.ui.textEdit, "project")
    shutil.copyfile(work / "prosjekt.qdpx", output)
    print(f"exported -> {output}")
    qapp.quit()


if __name__ == "__main__":
    main(*sys.argv[1:4])
