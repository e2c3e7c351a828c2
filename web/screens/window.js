// 综合受理窗口: the intake wizard (window-intake.js) and the case desk (window-cases.js).
import { renderCase, renderCases } from './window-cases.js';
import { renderWizard } from './window-intake.js';

export async function render(container, parts) {
  if (parts[0] === 'cases') return renderCases(container);
  if (parts[0] === 'case' && parts[1]) return renderCase(container, parts[1]);
  return renderWizard(container);
}
