#pragma once
/// Streams a whole result to a file: CSV, TSV, JSON (.j.j) or XLSX (libxlsxwriter in
/// constant-memory mode). Rows are written as they are formatted, never collected first, so the
/// size of an export is bounded by the disk, not by memory or by what a view shows.
/// Runs on a worker thread; progress and cancel go through ExportProgress (atomics).

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
                               ExportFormat format, const QString &path, ExportProgress *progress);
};

} // namespace qscope
