/** Where a refused command says why; an alert, so it is read out at once. */
export function ErrorText({ error }: { error: string | null }) {
  return (
    <p class="error-text" role="alert">
      {error ?? ''}
    </p>
  );
}
