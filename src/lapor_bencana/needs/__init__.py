"""Relief needs: standards (bundled defaults and admin-saved versions) and the pure calculator.

``rules`` holds the standards and their validation, ``calculator`` turns assessment counts into
quantities, ``words`` writes the Indonesian (and English) text of each line, ``service`` stores
and reads standards versions.
"""
