"""Data folders with many cities, for the layout tests: the dashboard's test data plus copies.

A copy is one of the snapshot's city files under a new id, name and province, with its own
report ids and source files (the cross-file rules hold), so that 12 or 40 cities look like a
real national edition to the pages: long and short names, several provinces, two years.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from metrics.bench import copied_city

DASHBOARD_DATA = Path(__file__).resolve().parent / "fixtures" / "dashboard"

# (id, Chinese name, English name, province zh, province en): real prefecture names, long and short.
NAMES = [
    ("qingdao", "青岛市", "Qingdao", "山东省", "Shandong"),
    ("yantai", "烟台市", "Yantai", "山东省", "Shandong"),
    ("weifang", "潍坊市", "Weifang", "山东省", "Shandong"),
    ("jining", "济宁市", "Jining", "山东省", "Shandong"),
    ("taian", "泰安市", "Tai'an", "山东省", "Shandong"),
    ("weihai", "威海市", "Weihai", "山东省", "Shandong"),
    ("rizhao", "日照市", "Rizhao", "山东省", "Shandong"),
    ("linyi", "临沂市", "Linyi", "山东省", "Shandong"),
    ("dezhou", "德州市", "Dezhou", "山东省", "Shandong"),
    ("liaocheng", "聊城市", "Liaocheng", "山东省", "Shandong"),
    ("heze", "菏泽市", "Heze", "山东省", "Shandong"),
    ("zaozhuang", "枣庄市", "Zaozhuang", "山东省", "Shandong"),
    ("nanjing", "南京市", "Nanjing", "江苏省", "Jiangsu"),
    ("wuxi", "无锡市", "Wuxi", "江苏省", "Jiangsu"),
    ("xuzhou", "徐州市", "Xuzhou", "江苏省", "Jiangsu"),
    ("changzhou", "常州市", "Changzhou", "江苏省", "Jiangsu"),
    ("suzhou", "苏州市", "Suzhou", "江苏省", "Jiangsu"),
    ("nantong", "南通市", "Nantong", "江苏省", "Jiangsu"),
    ("huaian", "淮安市", "Huai'an", "江苏省", "Jiangsu"),
    ("yancheng", "盐城市", "Yancheng", "江苏省", "Jiangsu"),
    ("yangzhou", "扬州市", "Yangzhou", "江苏省", "Jiangsu"),
    ("zhenjiang", "镇江市", "Zhenjiang", "江苏省", "Jiangsu"),
    ("taizhou", "泰州市", "Taizhou", "江苏省", "Jiangsu"),
    ("hefei", "合肥市", "Hefei", "安徽省", "Anhui"),
    ("wuhu", "芜湖市", "Wuhu", "安徽省", "Anhui"),
    ("bengbu", "蚌埠市", "Bengbu", "安徽省", "Anhui"),
    ("maanshan", "马鞍山市", "Ma'anshan", "安徽省", "Anhui"),
    ("tongling", "铜陵市", "Tongling", "安徽省", "Anhui"),
    ("anqing", "安庆市", "Anqing", "安徽省", "Anhui"),
    ("xilinguolemeng", "锡林郭勒盟", "Xilingol League", "内蒙古自治区", "Inner Mongolia"),
    ("yanbian", "延边朝鲜族自治州", "Yanbian Korean Autonomous Prefecture", "吉林省", "Jilin"),
]
TEMPLATES = ["zibo", "huaibei", "suqian"]  # two-year cities and a one-year one


def make(folder: Path, n_cities: int) -> Path:
    """A data folder with `n_cities` cities: a subset of the snapshot, or all of it plus copies."""
    shutil.copytree(DASHBOARD_DATA, folder, ignore=shutil.ignore_patterns("README.md"))
    shipped = sorted(p.stem for p in (folder / "cities").glob("*.yaml"))
    for extra in shipped[n_cities:]:
        (folder / "cities" / f"{extra}.yaml").unlink()
    for k in range(max(0, n_cities - len(shipped))):
        city_id, zh, en, province_zh, province_en = NAMES[k % len(NAMES)]
        if k >= len(NAMES):
            city_id, zh, en = f"{city_id}{k}", f"{zh[:-1]}{k}{zh[-1]}", f"{en} {k}"
        template = TEMPLATES[k % len(TEMPLATES)]
        text = (folder / "cities" / f"{template}.yaml").read_text(encoding="utf-8")
        sources = sorted((folder / "sources").glob(f"{template}-*.txt"))
        for source in sources:
            shutil.copy(source, folder / "sources" / f"{source.stem.replace(template, city_id, 1)}.txt")
        copy = copied_city(text, template, city_id, [s.stem for s in sources], (zh, en), (province_zh, province_en))
        (folder / "cities" / f"{city_id}.yaml").write_text(copy, encoding="utf-8")
    return folder
