"""The benchmark's own arithmetic: what it reads from wrk and how it reports."""

from commonground.benchmark import LoadResult, PageResult, Report, markdown, parse_wrk

WRK_OUTPUT = """Running 5s test @ http://127.0.0.1:8799/wins/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    21.05ms    4.12ms  61.80ms   83.12%
    Req/Sec   190.51     20.13   240.00     70.00%
  Latency Distribution
     50%   20.31ms
     75%   22.90ms
     90%   25.40ms
     99%    1.02s
  1903 requests in 5.01s, 40.12MB read
  Socket errors: connect 0, read 1, write 0, timeout 2
  Non-2xx or 3xx responses: 4
Requests/sec:    379.84
Transfer/sec:      8.01MB
"""


def test_reads_throughput_latency_and_every_kind_of_failure():
    assert parse_wrk(WRK_OUTPUT) == (379.84, 20.3, 1020.0, 7)


def test_microsecond_latencies_are_converted_and_missing_lines_read_as_zero():
    output = "  Latency Distribution\n     50%  850.00us\nRequests/sec:  1000.00\n"

    assert parse_wrk(output) == (1000.0, 0.8, 0.0, 0)


def test_a_page_meets_its_targets_only_with_the_demo_query_count_and_a_fast_median():
    fast = PageResult("Wins wall", "/wins/", 200, 12, 15, 40.0, 60.0, demo_queries=12)
    grown = PageResult("Wins wall", "/wins/", 200, 13, 15, 40.0, 60.0, demo_queries=12)
    slow = PageResult("Wins wall", "/wins/", 200, 12, 15, 151.0, 160.0, demo_queries=12)
    failed = PageResult("Wins wall", "/wins/", 500, 12, 15, 40.0, 60.0, demo_queries=12)

    assert fast.meets_targets
    assert not grown.meets_targets
    assert not slow.meets_targets
    assert not failed.meets_targets


def test_the_table_shows_pages_load_and_the_ratio_to_bare_django():
    report = Report("postgresql (bench)", "large")
    report.pages = [PageResult("Wins wall", "/wins/", 200, 12, 15, 40.0, 60.0, demo_queries=12)]
    report.load = [LoadResult("Wins wall", "/wins/", 380.0, 20.3, 41.0, 0, ratio=0.42)]

    table = markdown(report)

    assert "| Wins wall | 12 (12) | 15 | 40.0 | 60.0 | yes |" in table
    assert "| Wins wall | 380 | 20.3 | 41.0 | 0 | 0.42 |" in table
    assert "large organisation on postgresql (bench)" in table
