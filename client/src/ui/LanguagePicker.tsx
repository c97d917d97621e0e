import { useId } from 'preact/hooks';
import { languageName, useTranslation } from '../i18n/i18n';

/** The interface language; each option is named in its own language. */
export function LanguagePicker({ languages, value, onChange }: { languages: string[]; value: string; onChange: (language: string) => void }) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <div class="language-picker">
      {/* The options name themselves ("English", "français"): the label is for screen readers. */}
      <label for={id} class="visually-hidden">
        {t('language.label')}
      </label>
      <select id={id} value={value} onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value)}>
        {languages.map((code) => (
          <option key={code} value={code} lang={code}>
            {languageName(code, code)}
          </option>
        ))}
      </select>
    </div>
  );
}
