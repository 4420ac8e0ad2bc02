"""The words of the command line's help, in Chinese and English: what the program is, each command's
summary, description and examples, and the help of every option.

:mod:`toolkit.cli_parser` declares the commands and their options; :mod:`toolkit.cli_help` puts
these words on the parsers. An option that has no entry in :data:`OPTIONS` keeps the help written
beside it in ``cli_parser.py``. What the commands print is in :mod:`toolkit.cli_text`.
"""

from __future__ import annotations

__all__ = ["COMMANDS", "OPTIONS", "PROGRAM"]

#: what the program is, at the top of ``python -m toolkit --help``
PROGRAM = {
    "zh": ("产业大脑评价工具包：读取和校验填报表，计算综合指数，生成报告。"
           "不带命令运行（python -m toolkit）显示从填报表到报告的五条命令。"),
    "en": ("Industrial Brain evaluation toolkit: read and check returns, build the composite index, "
           "render reports. Run it without a command (python -m toolkit) for the five commands that "
           "take a return to its reports."),
}

#: command → {"help", "description": (zh, en), "examples": [(command line, zh, en)]}
COMMANDS: dict[str, dict] = {
    "template": {
        "help": ("写出空白填报表（XLSX 带下拉和校验，另有 CSV）", "write a blank return (XLSX with validation, and CSV)"),
        "description": (
            "按指标体系写出空白填报表：一行一个单位和年度；XLSX 带中英文表头、单位行、下拉列表和单元格校验，"
            "另附指标说明、评分标准和勾选项三个工作表。",
            "Write a blank return from the framework: one row per unit and year. The XLSX has bilingual "
            "headers, a unit row, drop-down lists and cell validation, and sheets with the definitions, "
            "rubrics and checklist items."),
        "examples": [("python -m toolkit template --out my_office", "写到 my_office/ 文件夹", "write into my_office/")],
    },
    "demo": {
        "help": ("生成模拟示例数据（固定种子，逐字节可复现）", "generate the synthetic demo returns (seeded, byte-reproducible)"),
        "description": (
            "生成模拟（非真实）的填报数据，用于演示和测试。同一种子得到逐字节相同的文件。",
            "Generate synthetic (not real) returns for demonstrations and tests. The same seed gives "
            "byte-identical files."),
        "examples": [
            ("python -m toolkit demo --out data/raw", "重新生成仓库自带的示例数据", "regenerate the bundled demo data"),
            ("python -m toolkit demo --units 1000 --formats csv --out /tmp/big", "规模测试用的 1000 个单位",
             "1,000 units for a scale test"),
        ],
    },
    "validate": {
        "help": ("校验填报表，列出全部问题", "check a return and print every problem"),
        "description": (
            "读取填报表（CSV 或 XLSX），一次列出全部问题：行号（与表格一致）、列、值、违反的规则和说明。"
            "没有问题时退出码为 0，有问题时为 1。",
            "Read a return (CSV or XLSX) and list every problem at once: the row as numbered in the "
            "spreadsheet, the column, the value, the rule broken and a message. Exits 0 when the return "
            "is valid, 1 when it has problems."),
        "examples": [
            ("python -m toolkit validate my_office/return.xlsx", "中文问题清单", "problems listed in Chinese"),
            ("python -m toolkit validate my_office/return.csv --lang en", "英文问题清单", "problems listed in English"),
        ],
    },
    "prepare": {
        "help": ("校验填报表，写出整理好的数据（parquet、CSV 和来源说明）",
                 "check a return, then write tidy data (parquet, CSV and provenance)"),
        "description": (
            "先校验，再写出整理好的数据：<文件名>.parquet、<文件名>.csv 和 <文件名>.meta.json（来源、校验码、单位换算）。"
            "有问题时什么也不写；原始文件从不修改。",
            "Check the return, then write tidy data: <stem>.parquet, <stem>.csv and <stem>.meta.json "
            "(source, sha256, unit conversions). Nothing is written when the return has problems; the "
            "raw file is never modified."),
        "examples": [("python -m toolkit prepare my_office/return.xlsx --out my_office/processed",
                      "写到 my_office/processed/", "write into my_office/processed/")],
    },
    "collect": {
        "help": ("收集一个文件夹中的全部填报表，合并为一份数据并给出收集情况",
                 "collect every return of a folder into one dataset, with the status of the round"),
        "description": (
            "读取文件夹（及其下一级子文件夹）中的每一份填报表（CSV/XLSX，任何编码），按 validate 的规则逐一校验；"
            "有问题的文件单独列出，不影响其他文件。合格的行合并为一份整理好的数据（与 prepare 相同的格式，每行注明来源文件和校验码），"
            "并写出收集情况 collection.xlsx 和 collection.html：每个文件的报送单位、时间、行数、问题；每个应报单位是否已报、"
            "按城市列出缺报。同一单位同一年度在两个文件中数值不同即为冲突：列出两个文件、行和值，该单位不合并。"
            "文件名以“更正”结尾（如 济南市_更正.xlsx）的文件替代同名原文件。未改动的文件不会重复读取；输入文件从不修改。",
            "Read every return in a folder and its sub-folders one level down (CSV/XLSX, any encoding) and check "
            "each with the rules of validate; a file with problems is listed and does not stop the others. The "
            "valid rows are merged into one processed dataset (the format prepare writes, each row with its "
            "source file and sha256), and the status is written to collection.xlsx and collection.html: each "
            "file's office, time, rows and problems; each expected unit received or missing, missing ones by "
            "city. The same unit and year with different values in two files is a conflict: both files, rows "
            "and values are named and the unit is not merged. A file whose name ends in 'correction' (e.g. "
            "jinan_correction.xlsx) replaces the file of the same name. Unchanged files are not read again; no "
            "input is ever modified."),
        "examples": [
            ("python -m toolkit collect my_office/returns --out my_office/collected",
             "收集 my_office/returns 中的全部填报表", "collect every return in my_office/returns"),
            ("python -m toolkit collect returns_2025 --out collected --roster roster.xlsx",
             "按名单检查缺报", "check who is missing against a roster"),
        ],
    },
    "index": {
        "help": ("按指数方案计算综合指数和排名", "build the composite index of a return under a specification"),
        "description": (
            "按指数方案（YAML：缺失值填补、异常值处理、标准化、权重、加总）计算各层得分、综合指数和排名，"
            "写出 scores、weights、日志和所用方案。",
            "Build the scores of every level, the composite index and the ranks under a specification "
            "(YAML: imputation, outliers, normalisation, weights, aggregation), and write the scores, "
            "weights, logs and the exact specification used."),
        "examples": [
            ("python -m toolkit index my_office/processed/return.parquet --out my_office/index",
             "默认方案 configs/default.yaml", "the default specification, configs/default.yaml"),
            ("python -m toolkit index data/raw/demo_synthetic_returns.csv --spec my_spec.yaml",
             "自己的方案", "your own specification"),
        ],
    },
    "uncertainty": {
        "help": ("蒙特卡洛排名区间和 Sobol 敏感性指数", "Monte Carlo rank intervals and Sobol sensitivity indices"),
        "description": (
            "按不确定性方案（configs/uncertainty.yaml）多次重算指数，写出每个单位的排名区间和各因素的 Sobol 指数。"
            "默认 --executor auto：先串行跑一批并计时，只有多进程确实更快时才用多进程，并打印所选方式及原因。"
            "数据量超出一台机器时用 --executor dask --scheduler tcp://主机:8786 连接 Dask 集群"
            "（集群各节点需安装同一版本的本工具）。",
            "Rebuild the index under the choices of an uncertainty specification (configs/uncertainty.yaml) "
            "and write each unit's rank interval and each factor's Sobol indices. The default --executor "
            "auto times one batch serially and uses worker processes only when they are faster, and prints "
            "which it chose and why. When one machine is not enough, --executor dask --scheduler "
            "tcp://host:8786 runs the replications on a Dask cluster (every worker needs the same toolkit "
            "version installed)."),
        "examples": [
            ("python -m toolkit uncertainty data/raw/demo_synthetic_returns.csv --n 2000",
             "本机，自动选择串行或多进程", "on this machine, serial or parallel as pays"),
            ("python -m toolkit uncertainty big.parquet --executor dask --scheduler tcp://10.0.0.5:8786",
             "在 Dask 集群上运行", "on a Dask cluster"),
        ],
    },
    "reports": {
        "help": ("为每个产业大脑或城市生成一份 HTML 报告", "render one HTML report per brain or city"),
        "description": (
            "计算一次指数、类型和排名区间，再为每个产业大脑（--by unit）或城市（--by city）生成一份 HTML 报告，"
            "并写出总目录 index.html。已是最新的报告会跳过；失败的报告可用 --only failed 重做。",
            "Compute the index, the typology and the rank intervals once, then render one HTML report "
            "per brain (--by unit) or city (--by city), with an index.html listing them. Reports that "
            "are up to date are skipped; failed ones are redone with --only failed."),
        "examples": [
            ("python -m toolkit reports --data my_office/processed/return.parquet --out my_office/reports",
             "每个产业大脑一份报告", "one report per brain"),
            ("python -m toolkit reports --by city --lang en", "示例数据的城市报告（英文）",
             "city reports of the demo data, in English"),
        ],
    },
    "framework": {
        "help": ("显示指标体系（代码本）", "print the codebook"),
        "description": (
            "列出指标体系的每个指标：所属维度、名称、单位、类型和方向。",
            "List every indicator of the framework: its dimension, name, unit, type and direction."),
        "examples": [("python -m toolkit framework", "中文", "in Chinese"),
                     ("python -m toolkit framework --lang en", "英文", "in English")],
    },
    "coinr": {
        "help": ("COINr 硬币（iData/iMeta）与指标体系、方案、数据互相转换", "convert a COINr coin (iData/iMeta) to a "
                 "framework, a spec and data, and back"),
        "description": (
            "import：把 COINr 的 iData.csv 和 iMeta.csv 转换为指标体系文件、指数方案（COINr 默认流程）和长表数据，"
            "一并写入 --out 文件夹；export：把指标体系（和数据）写回 COINr 的 iMeta.csv（和 iData.csv）。",
            "import: turn COINr's iData.csv and iMeta.csv into a framework file, an index specification "
            "(COINr's default pipeline) and long data, written together into --out; export: write a "
            "framework (and data) back as COINr's iMeta.csv (and iData.csv)."),
        "examples": [
            ("python -m toolkit coinr import iData.csv iMeta.csv --out my_coin", "导入 COINr 硬币",
             "import a COINr coin"),
            ("python -m toolkit coinr export --framework my_coin/framework.yaml --data my_coin/data.csv --out back",
             "导出为 COINr 表格", "export as COINr tables"),
        ],
    },
    "methods": {
        "help": ("列出每一步可选的方法（来自方法注册表）", "list the methods of every step (from the methods registry)"),
        "description": (
            "列出指数方案每一步可选的方法：名称、中文名和一句话说明。表格由方法注册表生成，"
            "在笔记本中用 toolkit.methods.register 注册的方法也在其中。",
            "List the methods a specification may choose at every step: name, label and one line on what "
            "each does. The table is generated from the methods registry, so a method registered with "
            "toolkit.methods.register appears too."),
        "examples": [("python -m toolkit methods", "全部步骤", "every step"),
                     ("python -m toolkit methods --step weighting --lang en", "赋权方法（英文）",
                      "the weighting methods, in English")],
    },
    "compare": {
        "help": ("把几个指数方案下的排名放在一起比较（HTML）", "set the ranks under several specifications side by side (HTML)"),
        "description": (
            "在几个指数方案下计算排名，写出一个 HTML 页面并排比较：排名变化图、方案之间的一致性、变化最大的单位和各方案的有效权重。",
            "Rank the units under several specifications and write an HTML page that sets them side by "
            "side: a bump chart, the agreement between the specifications, the units that move most and "
            "the effective weights of each."),
        "examples": [("python -m toolkit compare --spec configs/default.yaml --spec my_spec.yaml",
                      "默认方案与自己的方案", "the default specification against your own")],
    },
}

#: option help: (command, dest) for one command, dest alone for every command that has it
OPTIONS: dict[tuple[str, str] | str, tuple[str, str]] = {
    "help": ("显示本帮助并退出", "show this help and exit"),
    "version": ("显示版本号并退出", "show the version and exit"),
    "lang": ("语言：zh 中文，en 英文（默认按系统语言，未设置时为中文）",
             "language: zh Chinese, en English (default: from the locale, Chinese when it is neutral)"),
    "top_lang": ("帮助和提示的语言：zh 或 en（默认按系统语言）",
                 "language of help and messages: zh or en (default: from the locale)"),
    "framework": ("指标体系：名称或 YAML 文件（默认：山东产业大脑指标体系）",
                  "framework: a name or a YAML file (default: the Shandong Industrial Brain framework)"),
    "file": ("填报表文件（.csv 或 .xlsx）", "the return (.csv or .xlsx)"),
    ("coinr", "action"): ("import（COINr → 本工具）或 export（本工具 → COINr）", "import (COINr → toolkit) or "
                          "export (toolkit → COINr)"),
    ("coinr", "tables"): ("import 时：iData.csv 和 iMeta.csv", "for import: iData.csv and iMeta.csv"),
    ("coinr", "out"): ("写入的文件夹", "folder to write into"),
    ("coinr", "data"): ("export 时：数据文件（.csv、.xlsx 或 prepare 的 .parquet）", "for export: the data "
                        "(.csv, .xlsx or prepare's .parquet)"),
    ("coinr", "id"): ("import 时：指标体系的 id（默认 coinr_import）", "for import: the framework's id (default "
                      "coinr_import)"),
    "wide": ("宽表：每个指标每年一列，列名模式如 {code}_{year}", "a wide file, one column per indicator and year, "
             "named like {code}_{year}"),
    "spec": ("指数方案（YAML，默认：configs/default.yaml）", "index specification (YAML; default: configs/default.yaml)"),
    "pdf": ("每份 HTML 报告旁边另存一份 PDF", "also write a PDF beside each HTML report"),
    ("template", "out"): ("写入的文件夹（默认：当前文件夹）", "folder to write into (default: the current folder)"),
    ("demo", "out"): ("写入的文件夹（默认：data/raw）", "folder to write into (default: data/raw)"),
    ("demo", "units"): ("产业大脑个数（默认 50；规模测试可用 100000）", "number of brains (default 50; e.g. 100000 for a scale test)"),
    ("demo", "seed"): ("随机种子（默认：固定种子，文件逐字节相同）", "random seed (default: the fixed seed of the bundled files)"),
    ("demo", "years"): ("年份，逗号分隔（默认 2021,2022,2023,2024,2025）", "years, comma-separated (default 2021,2022,2023,2024,2025)"),
    ("demo", "formats"): ("文件格式：csv、xlsx 或两者（默认 csv,xlsx）", "file formats: csv, xlsx or both (default csv,xlsx)"),
    ("validate", "out"): ("把问题清单另存为文件（如 problems.xlsx）", "also write the problem report to this file (e.g. problems.xlsx)"),
    ("prepare", "out"): ("写入的文件夹（默认：data/processed）", "folder to write into (default: data/processed)"),
    ("collect", "folder"): ("存放填报表的文件夹（包括其下一级子文件夹）", "the folder of returns (and its sub-folders one level down)"),
    ("collect", "out"): ("输出文件夹：合并的数据、收集情况和缓存（保留往年数据）",
                         "output folder: the merged data, the status and the cache (earlier years are kept)"),
    ("collect", "roster"): ("应报单位名单（CSV/XLSX，含单位编号等列）；不给时以上一年度已收集的单位为应报",
                            "roster of the units expected (CSV/XLSX with the unit columns); without it, the units "
                            "collected for the previous year"),
    ("uncertainty", "file"): ("填报表（.csv/.xlsx）或整理好的数据（.parquet）", "a return (.csv/.xlsx) or processed data (.parquet)"),
    ("uncertainty", "uncertainty"): ("不确定性方案（YAML，默认：configs/uncertainty.yaml）",
                                     "uncertainty specification (YAML; default: configs/uncertainty.yaml)"),
    ("uncertainty", "n"): ("想要的重复次数（Saltelli 设计取 N·(d + 2)，默认 1000）",
                           "replications wanted (a Saltelli design runs N·(d + 2); default 1000)"),
    ("uncertainty", "seed"): ("随机种子（默认 0；同一种子结果相同，与执行方式无关）",
                              "random seed (default 0; the same seed gives the same numbers on any executor)"),
    ("uncertainty", "executor"): ("执行方式：auto（默认，串行或多进程中更快者）、serial、joblib（本机多进程）、dask",
                                  "auto (default: serial or worker processes, whichever is faster), serial, "
                                  "joblib (processes on this machine) or dask"),
    ("uncertainty", "jobs"): ("进程数（默认：CPU 个数）", "worker processes (default: the number of CPUs)"),
    ("uncertainty", "scheduler"): ("Dask 调度器地址，如 tcp://主机:8786（默认：本机 LocalCluster）",
                                   "Dask scheduler address such as tcp://host:8786 (default: a LocalCluster)"),
    ("uncertainty", "batch_mb"): ("每批的内存预算（MiB，默认 64），据此决定每批的重复次数",
                                  "memory budget of one batch in MiB (default 64): sets the replications per batch"),
    ("uncertainty", "out"): ("结果文件夹（默认：data/processed/<文件名>__uncertainty）",
                             "results folder (default: data/processed/<file stem>__uncertainty)"),
    ("index", "file"): ("填报表（.csv/.xlsx）或整理好的数据（.parquet）", "a return (.csv/.xlsx) or processed data (.parquet)"),
    ("index", "out"): ("结果文件夹（默认：data/processed/<文件名>__<方案名>）",
                       "results folder (default: data/processed/<file stem>__<spec name>)"),
    ("reports", "data"): ("填报表或整理好的数据（默认：模拟示例数据）",
                          "a return or processed .parquet (default: the synthetic demo data)"),
    ("reports", "by"): ("报告对象：unit 每个单位（产业大脑）一份（默认），city（或 region）按框架声明的地区列每个城市/地区一份，"
                        "all 两者都生成并互相链接",
                        "what to report on: unit, one report per unit (brain; the default); city (or region), one "
                        "per value of the framework's region column (Shandong: per city); all, both, linked to each other"),
    ("reports", "only"): ("只生成这些编号或城市；failed 表示上次失败的", "render only these ids or cities; 'failed' for those that failed last time"),
    ("reports", "year"): ("报告年份（默认：最近一年）", "year to report (default: the latest)"),
    ("reports", "workers"): ("并行进程数（默认 2）", "parallel worker processes (default 2)"),
    ("reports", "executor"): ("执行方式：local（本机多进程，默认）、serial（单进程）、dask",
                              "how to run: local (worker processes, the default), serial, or dask"),
    ("reports", "scheduler"): ("Dask 调度器地址（默认：本机 LocalCluster）", "Dask scheduler address (default: a LocalCluster)"),
    ("reports", "force"): ("已是最新的报告也重新生成", "re-render reports that are up to date"),
    ("reports", "out"): ("报告的上级文件夹（默认：reports）", "parent folder of the run (default: reports)"),
    ("reports", "run"): ("本次运行的文件夹名（默认：<数据名>__<方案名>）", "run folder name (default: <data stem>__<spec name>)"),
    ("reports", "uncertainty"): ("排名区间的蒙特卡洛次数（默认 500）", "Monte Carlo replications for the rank intervals (default 500)"),
    ("reports", "no_progress"): ("不显示进度条", "no progress bar"),
    ("compare", "data"): ("填报表或整理好的数据（默认：模拟示例数据）",
                          "a return or processed .parquet (default: the synthetic demo data)"),
    ("compare", "spec"): ("指数方案（YAML），可给多个", "an index specification (YAML); give two or more"),
    ("compare", "out"): ("写出比较页面的文件夹（默认：reports/compare）", "folder of the comparison page (default: reports/compare)"),
    ("compare", "year"): ("比较的年份（默认：最近一年）", "year to compare (default: the latest)"),
    ("compare", "uncertainty"): ("不确定性方案（YAML）：另加入选概率页面", "uncertainty specification (YAML): adds the selection page"),
    ("compare", "quota"): ("入选名额（前 N 名）", "selection quota (the top N)"),
    ("compare", "by"): ("名额按框架声明的分组列分配（山东框架：industry 行业、city 城市 …）",
                        "quota per group: a group column the framework declares (Shandong: industry, city …)"),
    ("compare", "framework"): ("框架名称或 YAML 文件（默认：第一个方案所用的框架）",
                               "framework name or YAML file (default: the first spec's)"),
    ("methods", "step"): ("只列这一步：imputation、normalisation、weighting、aggregation 等",
                          "only this step: imputation, normalisation, weighting, aggregation …"),
    ("compare", "n"): ("入选概率页面的重复次数（默认 512）", "replications for the selection page (default 512)"),
}
