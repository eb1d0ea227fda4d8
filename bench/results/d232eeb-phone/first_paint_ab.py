"""Side by side, alternating: the page before the loading state (a checkout of 4089ec2) and after."""
import json, os, statistics, sys
from playwright.sync_api import sync_playwright
from bench.phone import PHONE, visit
from bench.page_weight import LAUNCH_ARGS, chromium
urls = {"before (4089ec2)": "http://192.0.2.2:8618/?s=SHARE", "after": "http://192.0.2.2:8617/?s=SHARE"}
res = {k: {"fcp": [], "question": []} for k in urls}
load = os.getloadavg()[0]
with sync_playwright() as p:
    b = p.chromium.launch(executable_path=chromium(), args=LAUNCH_ARGS)
    for rnd in range(int(sys.argv[1])):
        for name, url in urls.items():
            ctx = b.new_context(**PHONE)
            v = visit(ctx, url, throttle=True)
            ctx.close()
            res[name]["fcp"].append(v["first_contentful_paint_s"]); res[name]["question"].append(v["first_question_s"])
            print(rnd, name, v["first_contentful_paint_s"], v["first_question_s"], flush=True)
    b.close()
for name in res:
    res[name]["median_fcp"] = statistics.median(res[name]["fcp"]); res[name]["median_question"] = statistics.median(res[name]["question"])
res["load_average_at_start"] = round(load, 1); res["load_average_at_end"] = round(os.getloadavg()[0], 1)
print(json.dumps(res, indent=1))
json.dump(res, open(sys.argv[2], "w"), indent=1)
