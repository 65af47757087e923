"""Write the notebooks in notebooks/ from the cell sources below (outputs stripped).

Run: .venv/bin/python tools/make_notebooks.py
The notebooks are committed without outputs; tests/test_notebooks.py runs them.
"""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parents[1] / "notebooks"

EXPLORE = [
    new_markdown_cell(
        "# Utforsk en workshop\n\n"
        "Denne notatboken viser hvordan `utenforskap` leser innspillene fra et arbeidsverksted, "
        "koder dem etter kodeboken (hindringer, muligheter, brukermedvirkning), forklarer hver koding, "
        "og lager matriser, figurer og eksporter til rapporten.\n\n"
        "Eksempelet er vedlegget fra arbeidsverkstedet om ungt utenforskap (NAV–USN, 2023) i `data/raw/`."
    ),
    new_code_cell(
        "%matplotlib inline\n"
        "import os\n"
        "from pathlib import Path\n\n"
        "import pandas as pd\n\n"
        "import utenforskap as u\n\n"
        'pd.set_option("display.max_colwidth", 120)\n'
        'RAW = Path("../data/raw")\n'
        "# resultatene havner her (testene setter UTENFORSKAP_UT til en midlertidig mappe)\n"
        'UT = Path(os.environ.get("UTENFORSKAP_UT", "../data/processed/notatbok"))'
    ),
    new_markdown_cell(
        "## 1. Les inn tabellen\n\nÉn rad per utsagn, med gruppe, spørsmål, overskrift (seksjon) og hvor i kildefilen utsagnet står."
    ),
    new_code_cell(
        'utsagn = u.read_workshop(RAW / "workshop_ungt_utenforskap_2023.txt")\n'
        'print(utsagn["workshop_title"].iat[0])\n'
        'utsagn[["segment_id", "group", "question", "section", "text", "line"]].head(8)'
    ),
    new_code_cell(
        '# antall utsagn per gruppe og spørsmål\npd.crosstab(utsagn["group"], utsagn["question"], margins=True, margins_name="Totalt")'
    ),
    new_markdown_cell("Utsagn som står under en overskrift, for eksempel «Hindringer:»:"),
    new_code_cell('utsagn.loc[utsagn["section"] != "", ["group", "question", "section", "text"]]'),
    new_markdown_cell(
        "## 2. Normalisering\n\nOriginalteksten beholdes; ved siden av kommer normalisert tekst (forkortelser skrevet ut, NAV stavet likt) og lemmaer."
    ),
    new_code_cell(
        'normalisert = u.normalise(utsagn)\nnormalisert.loc[normalisert["abbreviations"] != "", ["text", "text_norm", "abbreviations"]]'
    ),
    new_markdown_cell(
        "## 3. Koding med kodeboken\n\nKodeboken er en YAML-fil forskere kan lese og endre. Her er temaene og underkodene:"
    ),
    new_code_cell('kodebok = u.load_codebook()\nkodebok.to_frame()[["code", "parent", "label", "definition"]]'),
    new_code_cell(
        "kodet = u.code(utsagn)\n"
        'print(kodet.attrs["pipeline"])\n'
        'kodet[["barriers", "opportunities", "user_participation"]].sum().rename(lambda c: kodebok.label(c))'
    ),
    new_markdown_cell(
        "## 4. Hvorfor fikk et utsagn en kode?\n\nHver koding har begrunnelse: ordene som traff, regelen, og om overskriften eller spørsmålet ble brukt."
    ),
    new_code_cell(
        'eksempler = ["workshop_ungt_utenforskap_2023-g1-q3-02", "workshop_ungt_utenforskap_2023-g3-q3-01", "workshop_ungt_utenforskap_2023-g5-q3-03"]\n'
        "for sid in eksempler:\n"
        '    rad = kodet.set_index("segment_id").loc[sid]\n'
        "    print(f\"{rad['text']}\\n  koder: {rad['codes']}\\n  fordi: {rad['why']}\\n\")"
    ),
    new_markdown_cell(
        "Også treff som *ikke* ble tellende står i `evidence`, med forklaring (nektet, i unntak, temaet ikke kodet):"
    ),
    new_code_cell(
        'rad = u.code(["Finansiering er ikke et problem, men det finnes ingen muligheter for praksisplass."]).iloc[0]\n'
        'pd.DataFrame(rad["evidence"])[["code", "method", "rule", "matched", "kept", "note"]]'
    ),
    new_markdown_cell("## 5. Matriser"),
    new_code_cell('u.code_counts(kodet, "group").rename(columns=lambda c: kodebok.label(c) if c in kodebok.codes else c)'),
    new_code_cell('u.code_counts(kodet, "question", share=True).round(2)'),
    new_code_cell('u.cooccurrence(kodet, "barriers")'),
    new_markdown_cell("Rammematrisen (som i NVivo og MAXQDA): sitatene som bærer hvert tema, per gruppe."),
    new_code_cell('rammematrise = u.framework_matrix(kodet, "group")\nprint(rammematrise.loc["3", "barriers"])'),
    new_markdown_cell("## 6. Figurer"),
    new_code_cell("u.charts.group_heatmap(kodet)"),
    new_code_cell("u.charts.question_bars(kodet)"),
    new_code_cell('u.charts.subcode_bars(kodet, "barriers")'),
    new_markdown_cell(
        "## 7. Eksport\n\nHele jobben i ett kall: CSV-er, Excel-arbeidsbok, figurer (PNG og SVG) og en HTML-rapport."
    ),
    new_code_cell("filer = u.analyse(RAW, UT, progress=False)\nsorted(p.name for p in filer.values())[:10]"),
]


LEARN = [
    new_markdown_cell(
        "# Lær av forskernes koding\n\n"
        "Kodeboken finner det den navngir. Her lærer en maskinlæringsmodell (scikit-learn) av utsagn "
        "som forskere har kodet for hånd, og foreslår koder for nye utsagn, med sannsynlighet og de ordene som "
        "veide tyngst. Forslagene står ved siden av kodebokens koder; de overskriver dem aldri.\n\n"
        "Til slutt ser vi induktivt på materialet: tema (NMF) og ord som er særpreget for en gruppe."
    ),
    new_code_cell(
        "%matplotlib inline\n"
        "import os\n"
        "from pathlib import Path\n\n"
        "import pandas as pd\n\n"
        "import utenforskap as u\n\n"
        'pd.set_option("display.max_colwidth", 100)\n'
        'UT = Path(os.environ.get("UTENFORSKAP_UT", "../data/processed/notatbok"))\n'
        'TEMAER = ["barriers", "opportunities", "user_participation"]\n'
        'utsagn = u.read_workshop("../data/raw/workshop_ungt_utenforskap_2023.txt")'
    ),
    new_markdown_cell(
        "## 1. Håndkoding\n\n"
        "I praksis skriver du ut et kodeark (`u.write_coding_sheet`), koder i Excel og leser det inn igjen "
        "med `u.read_manual_coding`. Her bruker vi en håndkoding av workshopen som følger med i "
        "`data/manual/`, og koder i tillegg noen nye utsagn direkte i notatboken:"
    ),
    new_code_cell(
        'manuell = pd.read_csv("../data/manual/manuell_koding_ungt_utenforskap_2023.csv")\n'
        'kodet_for_haand = utsagn.merge(manuell, on="segment_id")[["segment_id", "workshop", "group", "text", *TEMAER]]\n'
        "egne = pd.DataFrame([\n"
        '    ("Det mangler penger til oppfølging av unge.", 1, 0, 0),\n'
        '    ("Ungdommene bør få være med å bestemme tiltakene.", 0, 1, 1),\n'
        '    ("Taushetsplikten gjør det vanskelig å samarbeide.", 1, 0, 0),\n'
        '    ("Et felles kontaktpunkt kan gjøre det enklere å få hjelp.", 0, 1, 0),\n'
        '    ("Brukerne opplever at de ikke blir hørt.", 1, 0, 1),\n'
        '    ("Møtet ble holdt i Drammen.", 0, 0, 0),\n'
        '], columns=["text", *TEMAER]).assign(workshop="egne", segment_id=lambda d: [f"egne-{i}" for i in range(len(d))])\n'
        "trening = pd.concat([kodet_for_haand, egne], ignore_index=True)\n"
        "trening[TEMAER].sum()"
    ),
    new_markdown_cell(
        "## 2. Ærlig evaluering\n\n"
        "Hvor godt treffer maskinforslagene på utsagn modellen ikke har sett? Vi evaluerer på håndkodingen av "
        "workshopen med kryssvalidering gruppert etter gruppe: utsagn fra samme gruppe havner aldri både i "
        "trening og test (med flere workshoper grupperes det etter workshop). Sammenlign alltid med grunnlinjen, "
        "som bare gjetter den vanligste verdien; kolonnen `warning` sier fra når tallene hviler på for få utsagn."
    ),
    new_code_cell(
        'evaluering = u.evaluate(kodet_for_haand, codes=TEMAER, groups="group")\n'
        'evaluering[["n", "positives", "f1", "kappa", "baseline_f1", "baseline_kappa", "folds", "warning"]].round(2)'
    ),
    new_markdown_cell(
        "Slik leses tallene: *kappa* er enighet med håndkodingen utover det tilfeldige (0 = som å gjette, "
        "over 0,6 betydelig, over 0,8 nesten perfekt); *F1* veier sammen hvor mange av maskinens koder som er "
        "riktige og hvor mange av de riktige den finner. Er kappa lav eller varselkolonnen fylt ut, bør "
        "forslagene bare brukes til å prioritere hva som leses først, ikke som koding."
    ),
    new_code_cell(
        "def tolk(kappa):\n"
        "    if kappa != kappa:\n"
        '        return "kan ikke beregnes"\n'
        '    return next(ord for grense, ord in [(0.8, "nesten perfekt"), (0.6, "betydelig"), (0.4, "moderat"), (0.2, "svak"), (-1, "ingen")] if kappa > grense)\n\n'
        "for tema, rad in evaluering.iterrows():\n"
        '    print(f"{u.load_codebook().label(tema)}: kappa {rad.kappa:.2f} ({tolk(rad.kappa)} enighet), "\n'
        '          f"grunnlinje {rad.baseline_kappa:.2f}; {rad.positives} av {rad.n} utsagn har temaet. {rad.warning}")'
    ),
    new_code_cell("u.learning_curve(trening, codes=TEMAER).round(2)"),
    new_markdown_cell("## 3. Forslag for nye utsagn"),
    new_code_cell(
        "koder = u.SuggestCoder(codes=TEMAER).fit(trening)\n"
        'nye = ["Vi har for lite tid til hver ungdom.", "Unge bør få si sin mening om tilbudet.", "Samarbeidet med skolen har stort potensial."]\n'
        "forslag = koder.suggest(nye)\n"
        "for rad in forslag.itertuples():\n"
        '    print(rad.text, "->", rad.suggested, {k: round(v, 2) for k, v in rad.probabilities.items()}, rad.words)'
    ),
    new_markdown_cell("Forslagene står ved siden av kodebokens koding, og kan sammenlignes med den:"),
    new_code_cell(
        "regelkodet = u.code(utsagn)\n"
        'ved_siden = regelkodet[["segment_id", "text", "codes"]].merge(koder.suggest(regelkodet)[["segment_id", "suggested"]], on="segment_id")\n'
        "ved_siden[ved_siden.apply(lambda r: set(r.suggested) != {c for c in r.codes if c in TEMAER}, axis=1)].head(8)"
    ),
    new_code_cell('koder.top_features("barriers", 10)'),
    new_markdown_cell("## 4. Induktiv utforsking: tema og særpregede ord"),
    new_code_cell("ord, eksempler = u.topics(utsagn, n_topics=5, random_state=0)\nu.charts.topic_words(ord)"),
    new_code_cell('eksempler.groupby("topic").head(1)[["topic", "text"]]'),
    new_code_cell('saerpreg = u.keyness(utsagn, "group")\nu.charts.keyness_bars(saerpreg, "5")'),
    new_markdown_cell(
        "## 5. Gjennomgangskø: de mest usikre først\n\n"
        "Kodeboken og maskinforslagene gir sammen en sikkerhet per utsagn. Forskeren går gjennom de minst sikre "
        "utsagnene først. Her koder vi uten kontekst (bare teksten) og ser hvordan enigheten med håndkodingen "
        "stiger når bare den sikreste andelen kodes automatisk og resten gjennomgås."
    ),
    new_code_cell(
        "ko = u.review_queue(u.code(utsagn, context=False), coder=koder)\n"
        'ko[["text", "confidence", "uncertain", "evidence_for", "evidence_against", "suggested"]].head(6)'
    ),
    new_code_cell(
        'u.review_simulation(ko, manuell).rename(columns={"share_auto": "andel automatisk", "reviewed": "gjennomgått"}).round(2)'
    ),
    new_markdown_cell("Køen skrives som et kodeark som leses inn igjen med `u.read_manual_coding`:"),
    new_code_cell(
        'ark = u.write_review_sheet(ko, UT / "gjennomgang.xlsx")\nu.read_manual_coding(ark).head(3)[["segment_id", "codes"]]'
    ),
]


REVIEW = [
    new_markdown_cell(
        "# Gjennomgang som lærer\n\n"
        "Ingen automatisk koding er riktig for hver ny workshop. Her leser forskeren noen få utsagn av gangen, "
        "retter kodingen, og maskinen lærer av rettelsene og koder resten på nytt. Utsagnene den er minst sikker på "
        "kommer først, og en runde er aldri fem nesten like utsagn. Maskinen lærer med en modell for mening "
        "(setningsvektorer, trent på kodede offentlige utsagn) som tilpasses rettelsene etter hver runde; der "
        "modellen er usikker, avgjør kodebokens regler.\n\n"
        "I notatboken svarer vi med håndkodingen av workshopen i `data/manual/`, som om forskeren hadde lest; i praksis "
        "skriver du et ark med `session.write_batch_sheet(...)`, koder i Excel og leser det inn med `session.record_sheet(...)`."
    ),
    new_code_cell(
        "%matplotlib inline\n"
        "import os\n"
        "from pathlib import Path\n\n"
        "import pandas as pd\n"
        "from matplotlib.figure import Figure\n\n"
        "import utenforskap as u\n\n"
        'UT = Path(os.environ.get("UTENFORSKAP_UT", "../data/processed/notatbok"))\n'
        'TEMAER = ["barriers", "opportunities", "user_participation"]\n'
        'utsagn = u.read_workshop("../data/raw/workshop_ungt_utenforskap_2023.txt")\n'
        "kodet = u.code(utsagn, context=False)  # bare teksten: overskriftene ville røpet svaret\n"
        'fasit = pd.read_csv("../data/manual/manuell_koding_ungt_utenforskap_2023.csv")'
    ),
    new_markdown_cell(
        "## 1. Runde for runde\n\nFem utsagn per runde. Etter hver runde: hvor godt stemmer hele kodingen med håndkodingen (kappa per tema)?"
    ),
    new_code_cell(
        "gjennomgang = u.ReviewSession(kodet)\n"
        "runder = []\n"
        "for runde in range(1, 9):\n"
        "    ids = gjennomgang.next_batch(5)\n"
        '    svar = fasit.set_index("segment_id").loc[ids, TEMAER].astype(bool).reset_index()\n'
        "    gjennomgang.record(svar)\n"
        '    enighet = u.agreement(gjennomgang.coding(), fasit, TEMAER)["kappa"]\n'
        '    runder.append({"runde": runde, "gjennomgått": gjennomgang.reviewed, **enighet.round(2).to_dict()})\n'
        "runder = pd.DataFrame(runder)\n"
        "runder"
    ),
    new_code_cell(
        'fig = Figure(figsize=(6.5, 3.6), layout="constrained")\n'
        "ax = fig.add_subplot()\n"
        "for tema, farge in zip(TEMAER, u.charts.PALETTE):\n"
        '    ax.plot(runder["gjennomgått"] / len(kodet), runder[tema], marker="o", color=farge, label=u.load_codebook().label(tema))\n'
        'ax.axhline(0.8, color="grey", linestyle="--", linewidth=1)\n'
        'ax.set_xlabel("Andel utsagn gjennomgått"); ax.set_ylabel("Kappa mot håndkodingen")\n'
        'ax.set_title("Enighet etter hver runde"); ax.legend(frameon=False)\n'
        "fig"
    ),
    new_markdown_cell("## 2. Hvor sikker er maskinen på resten?"),
    new_code_cell(
        "sikkerhet = gjennomgang.certainty()\n"
        'rest = sikkerhet[~sikkerhet["reviewed"]]\n'
        'fig = Figure(figsize=(6.5, 3.2), layout="constrained")\n'
        "ax = fig.add_subplot()\n"
        'ax.hist(rest["certainty"], bins=10, range=(0, 1), color=u.charts.PALETTE[0])\n'
        'ax.set_xlabel("Sikkerhet (0 = myntkast, 1 = sikker)"); ax.set_ylabel("Utsagn ikke gjennomgått")\n'
        'ax.set_title(f"{len(rest)} utsagn igjen")\n'
        "fig"
    ),
    new_markdown_cell(
        "## 3. Forslag til kodeboken\n\n"
        "Ord som skiller utsagn med et tema fra dem uten, blant de gjennomgåtte, og som kodeboken ikke fanger. "
        "Forskeren velger; de valgte skrives til en kopi av kodeboken (aldri den som følger med)."
    ),
    new_code_cell("forslag = gjennomgang.suggest_patterns()\nforslag.head(10)"),
    new_code_cell(
        "if len(forslag):\n"
        '    kopi = gjennomgang.accept_patterns(forslag.head(2), UT / "min_kodebok.yaml")\n'
        '    print("ny kodebok:", kopi)'
    ),
    new_markdown_cell(
        "## 4. Hvor mye må leses?\n\n"
        "`u.simulate_review` spiller gjennomgangen av mot hele håndkodingen: hvor stor andel av utsagnene som må "
        "leses før kappa når 0,7 / 0,8 / 0,9 på alle temaer, ved siden av tilfeldig rekkefølge."
    ),
    new_code_cell('u.simulate_review(kodet, fasit, batch=5).pivot(index="order", columns="target", values="reviewed_share")'),
    new_code_cell('gjennomgang.save(UT / "gjennomgang")\nsorted(p.name for p in (UT / "gjennomgang").iterdir())'),
]


def write(name: str, cells) -> Path:
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    path = HERE / name
    path.parent.mkdir(exist_ok=True)
    nbformat.write(nb, path)
    return path


if __name__ == "__main__":
    print(write("01_utforsk_workshop.ipynb", EXPLORE))
    print(write("02_laer_av_koding.ipynb", LEARN))
    print(write("03_gjennomgang_som_laerer.ipynb", REVIEW))
