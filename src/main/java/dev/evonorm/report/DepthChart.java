package dev.evonorm.report;

import dev.evonorm.screen.SiteMeasures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * One diagnostic measure against depth (site index) for every layer measured on one network, as a
 * PNG: the picture "Beyond BatchNorm" draws of what a normalizer does as the signal goes deeper.
 * Measures spanning orders of magnitude (variance, gradient norm) go on a log axis, where points
 * that are not positive and finite are left out.
 */
public final class DepthChart {
    private DepthChart() {
    }

    /** Writes one chart per measure for {@code architecture} into {@code folder}; returns the files written. */
    public static List<Path> write(DiagnosticsTable table, String architecture, Path folder) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Files.createDirectories(folder);
        List<Path> written = new ArrayList<>();
        for (DiagnosticsTable.Measure measure : DiagnosticsTable.Measure.values()) {
            XYChart chart = build(table, architecture, measure);
            if (chart.getSeriesMap().isEmpty()) {
                continue; // every layer failed, or every value was NaN: nothing to draw
            }
            Path file = folder.resolve(architecture + "-" + measure.column.replace('_', '-') + ".png");
            BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
            written.add(file);
        }
        return written;
    }

    static XYChart build(DiagnosticsTable table, String architecture, DiagnosticsTable.Measure measure) {
        XYChart chart = new XYChartBuilder().width(900).height(560)
                .title(measure.title + " at initialization, " + architecture)
                .xAxisTitle("norm-act site (forward order)").yAxisTitle(measure.title).build();
        chart.getStyler().setYAxisLogarithmic(measure.logarithmic);
        chart.getStyler().setXAxisDecimalPattern("0");
        chart.getStyler().setMarkerSize(5);
        for (DiagnosticsTable.Entry e : table.entries(architecture)) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (SiteMeasures s : e.sites()) {
                double y = measure.value.applyAsDouble(s);
                if (Double.isFinite(y) && (!measure.logarithmic || y > 0)) {
                    xs.add((double) s.index());
                    ys.add(y);
                }
            }
            if (!xs.isEmpty()) {
                XYSeries series = chart.addSeries(e.layer(), xs, ys);
                series.setMarker(SeriesMarkers.CIRCLE);
            }
        }
        return chart;
    }
}
