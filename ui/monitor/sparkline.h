#pragma once
/// A small line chart of the last N samples (rows/s of a feed). Paints itself; no Qt Charts, so a
/// tick costs one update() of a few dozen pixels.

#include <QWidget>

#include <deque>

namespace qscope {

class Sparkline : public QWidget
{
    Q_OBJECT
public:
    explicit Sparkline(QWidget *parent = nullptr);

    // GUI thread ------------------------------------------------------------------------------
    void addSample(double value);
    void setCapacity(int samples);
    void setSamples(const std::deque<double> &samples);
    const std::deque<double> &samples() const { return m_samples; }
    QSize sizeHint() const override { return {160, 28}; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    std::deque<double> m_samples;
    int m_capacity = 60;
};

} // namespace qscope
