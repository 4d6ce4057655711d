-- wrk: POST the JSON body in WRK_BODY (bench/load/drive.py sets it) with the headers it gives.
wrk.method = "POST"
wrk.body = os.getenv("WRK_BODY")
wrk.headers["Content-Type"] = "application/json"
