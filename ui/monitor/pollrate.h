#pragma once
/// The rate a poller view runs at, on the view where the user sees it: "every 2 s ▾" with
/// "paused" as a choice. 0 ms means paused.

#include <QComboBox>

namespace qscope {

class PollRate : public QComboBox
{
    Q_OBJECT
public:
    explicit PollRate(int initialMs, QWidget *parent = nullptr);

    // GUI thread ------------------------------------------------------------------------------
    int intervalMs() const;
    /// Selects ms (adding it to the list when it is not a preset); 0 = paused.
    void setIntervalMs(int ms);
    /// "every 2 s", "every 0.5 s", "paused".
    static QString text(int ms);

Q_SIGNALS:
    void intervalChanged(int ms);
};

} // namespace qscope
