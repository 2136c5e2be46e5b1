#pragma once
/// An EstateState as a report: a JSON object (what qscope-cli estate --json prints, one per
/// report) or plain text for a terminal. Both carry the same model the estate view shows:
/// nodes, edges and the active alerts. Thread: any (reads the state only).

#include "estate/estatestate.h"

#include <QJsonObject>

namespace qscope {

struct EstateReportInfo
{
    qint64 atMs = 0;         ///< when the report was made (ms since the epoch)
    int intervalMs = 0;      ///< the poll interval the rates are over
    qint64 discoveryMs = -1; ///< how long discovery took, -1 if not known
};

/// {"time", "intervalMs", "discoveryMs", "nodes": [...], "edges": [...], "alerts": [...]}:
/// see the implementation for each element's fields (named as in EstateNode and EstateEdge).
QJsonObject estateReportJson(const EstateState &state, const EstateReportInfo &info);
/// A table of nodes, a list of edges and of active alerts, for a terminal.
QString estateReportText(const EstateState &state, const EstateReportInfo &info);

} // namespace qscope
