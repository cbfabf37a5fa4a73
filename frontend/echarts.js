// The chart library the site serves: only the ECharts parts the charts use
// (`app/src/components/charts/echarts.rs`: line and bar series, grid, axes, tooltip, legend,
// mark areas, canvas rendering), bundled at build time by `scripts/build-site.sh` from the npm
// package and exposed as the `echarts` global the WASM calls.
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import {
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  TooltipComponent,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([
  BarChart,
  LineChart,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  TooltipComponent,
  CanvasRenderer,
]);

globalThis.echarts = echarts;
