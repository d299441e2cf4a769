package dev.evonorm.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Best-so-far curves of one or more runs in one chart, against candidates evaluated or against
 * evaluation hours, with an optional horizontal reference (e.g. BN-ReLU's accuracy on the same
 * proxy). Written as PNG or SVG, chosen by the file's extension.
 */
public final class CurveChart {

    /** What the horizontal axis counts. */
    public enum Axis {
        CANDIDATES("candidates evaluated"),
        HOURS("evaluation hours");

        final String title;

        Axis(String title) {
            this.title = title;
        }
    }

    private final Axis axis;
    private final Map<String, BestSoFar> runs = new LinkedHashMap<>();
    private String referenceLabel;
    private double reference = Double.NaN;

    public CurveChart(Axis axis) {
        this.axis = axis;
    }

    public CurveChart add(String label, BestSoFar curve) {
        runs.put(label, curve);
        return this;
    }

    public CurveChart reference(String label, double accuracy) {
        this.referenceLabel = label;
        this.reference = accuracy;
        return this;
    }

    /** Writes the chart; the extension of {@code file} (.png or .svg) picks the format. */
    public void write(Path file) throws IOException {
        String name = file.toString();
        String lower = name.toLowerCase(Locale.ROOT);
        if (!lower.endsWith(".png") && !lower.endsWith(".svg")) {
            throw new IllegalArgumentException(file + ": a chart is written as .png or .svg; give a file name with one of them");
        }
        // Charts are drawn off-screen; without this a machine with no display cannot render them.
        System.setProperty("java.awt.headless", "true");
        XYChart chart = build();
        if (lower.endsWith(".png")) {
            BitmapEncoder.saveBitmap(chart, name, BitmapEncoder.BitmapFormat.PNG);
        } else {
            VectorGraphicsEncoder.saveVectorGraphic(chart, name, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        }
    }

    XYChart build() {
        XYChart chart = new XYChartBuilder().width(900).height(560).title("Best mean validation accuracy so far")
                .xAxisTitle(axis.title).yAxisTitle("best mean accuracy over search architectures (%)").build();
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSE);
        chart.getStyler().setMarkerSize(0);
        chart.getStyler().setYAxisDecimalPattern("0.0");
        chart.getStyler().setXAxisDecimalPattern(axis == Axis.CANDIDATES ? "0" : "0.00");
        double xMax = 0;
        for (Map.Entry<String, BestSoFar> run : runs.entrySet()) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            // Only the points where the best changes, plus the last: a step line through them is exact.
            for (BestSoFar.Point p : run.getValue().points()) {
                if (Double.isNaN(p.best())) {
                    continue;
                }
                boolean changed = ys.isEmpty() || 100 * p.best() != ys.get(ys.size() - 1);
                if (changed) {
                    xs.add(x(p));
                    ys.add(100 * p.best());
                }
            }
            BestSoFar.Point last = run.getValue().last();
            if (!ys.isEmpty() && last != null && x(last) > xs.get(xs.size() - 1)) {
                xs.add(x(last));
                ys.add(ys.get(ys.size() - 1));
            }
            if (last != null) {
                xMax = Math.max(xMax, x(last));
            }
            if (xs.isEmpty()) {
                continue;
            }
            XYSeries series = chart.addSeries(run.getKey(), xs, ys);
            series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step);
            series.setMarker(SeriesMarkers.NONE);
        }
        if (!Double.isNaN(reference) && xMax > 0) {
            XYSeries ref = chart.addSeries(referenceLabel, new double[] {0, xMax}, new double[] {100 * reference, 100 * reference});
            ref.setMarker(SeriesMarkers.NONE);
            ref.setLineStyle(new java.awt.BasicStroke(1.5f, java.awt.BasicStroke.CAP_BUTT, java.awt.BasicStroke.JOIN_MITER,
                    10f, new float[] {6f, 4f}, 0f));
        }
        return chart;
    }

    private double x(BestSoFar.Point p) {
        return axis == Axis.CANDIDATES ? p.evaluated() : p.hours();
    }
}
