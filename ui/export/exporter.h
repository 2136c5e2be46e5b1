#pragma once
/// Streams a whole result to a file: CSV, TSV, JSON (.j.j) or XLSX (libxlsxwriter in
/// constant-memory mode). Rows are written as they are formatted, never collected first, so the
/// size of an export is bounded by the disk, not by memory or by what a view shows.
/// Runs on a worker thread; progress and cancel go through ExportProgress (atomics).
///
/// TextMode::Exact (the default) writes every value so that it reads back the same:
///  - CSV/TSV: q's `csv 0: t` text (protocol/format.h, formatField), floats at the shortest
///    round-trip text; fields holding the separator, `"` or a line break are quoted with `"`
///    doubled (RFC 4180; TSV as Excel's and Python's "excel-tab" dialect). A null is an empty
///    field, an infinity 0W/-0W (0w/-0w for reals and floats).
///  - JSON: valid RFC 8259 (formatJson): nulls are null, float and temporal infinities the
///    strings "Infinity"/"-Infinity", temporals ISO 8601 with nanoseconds.
///  - XLSX: numbers, booleans, dates and months as Excel cells; as text where an Excel cell
///    would lose digits: a float whose 16-digit form (all libxlsxwriter writes) reads back
///    differently, a long beyond 2^53, -0.0, a timestamp (ISO 8601 text: an Excel date holds
///    about a microsecond), a date before 1900-03-01 (Excel's calendar starts there), an
///    infinity (0W, 0w). Nulls are blank cells.
/// TextMode::Display writes the grid's text (floats at \P 7) and timestamps as Excel dates.

#include "protocol/format.h"
#include "results/resultshape.h"

#include <QString>

#include <atomic>
#include <cstdint>
#include <vector>

namespace qscope {

enum class ExportFormat { Csv, Tsv, Json, Xlsx };

/// Shared between the writer (any thread) and the GUI that polls it.
struct ExportProgress
{
    std::atomic<int64_t> rowsDone{0};
    std::atomic<int64_t> rowsTotal{0};
    std::atomic<bool> cancel{false};
    /// Test seam (ExportJob::holdNextUntilCancel): the writer waits before its first row until
    /// `cancel` is set, so a cancel test cannot lose the race to a fast export.
    std::atomic<bool> holdUntilCancel{false};

    /// Any thread: asks the writer to stop and wakes one held by holdUntilCancel.
    void requestCancel()
    {
        cancel.store(true);
        cancel.notify_all();
    }
};

struct ExportOutcome
{
    bool ok = false;
    bool cancelled = false;
    QString error; ///< what failed and where (the path, the OS or libxlsxwriter message)
    int64_t rows = 0;
    int64_t bytes = 0; ///< size of the written file
};

class Exporter
{
public:
    /// XLSX sheets hold at most this many rows (Excel's limit, header included); more rows
    /// continue on further sheets.
    static constexpr int64_t kXlsxMaxRows = 1048576;

    static QString formatName(ExportFormat f);
    static QString fileSuffix(ExportFormat f);

    /// Writes shape's rows (in `rows` order if given, else all source rows) to path. A partial
    /// file is removed on error or cancel. Any thread; shape must stay alive meanwhile.
    static ExportOutcome write(const ResultShape &shape, const std::vector<uint32_t> *rows,
                               ExportFormat format, const QString &path, ExportProgress *progress,
                               TextMode mode = TextMode::Exact);
};

} // namespace qscope
