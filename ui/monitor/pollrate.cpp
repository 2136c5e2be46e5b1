#include "pollrate.h"

#include <QLocale>

namespace qscope {

PollRate::PollRate(int initialMs, QWidget *parent) : QComboBox(parent)
{
    for (int ms : {500, 1000, 2000, 5000, 10000, 30000, 60000})
        addItem(text(ms), ms);
    addItem(text(0), 0);
    setToolTip(tr("How often this view asks the server; it asks nothing while it is hidden"));
    setIntervalMs(initialMs);
    connect(this, &QComboBox::currentIndexChanged, this,
            [this](int) { Q_EMIT intervalChanged(intervalMs()); });
}

QString PollRate::text(int ms)
{
    if (ms <= 0) return tr("paused");
    return tr("every %1 s").arg(QLocale().toString(ms / 1000.0, 'g', 3));
}

int PollRate::intervalMs() const
{
    return currentData().toInt();
}

void PollRate::setIntervalMs(int ms)
{
    ms = qMax(0, ms);
    int i = findData(ms);
    if (i < 0) {
        // keep the list in order: before the first longer preset (paused stays last)
        i = 0;
        while (i < count() && itemData(i).toInt() > 0 && itemData(i).toInt() < ms)
            ++i;
        insertItem(i, text(ms), ms);
    }
    setCurrentIndex(i);
}

} // namespace qscope
